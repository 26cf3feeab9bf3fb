// Lints an OpenAPI document with Redocly's recommended rules and prints the problems as JSON.
// A separate process because @redocly/openapi-core is ESM-only and Jest runs CommonJS here.
// Usage: node test/support/lint-openapi.mjs <url of the document>
import { createConfig, lintFromString } from '@redocly/openapi-core';

const url = process.argv[2];
const source = await (await fetch(url)).text();
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: url, config });
process.stdout.write(
  JSON.stringify(
    problems.map((p) => ({
      severity: p.severity,
      rule: p.ruleId,
      message: p.message,
      at: p.location?.[0]?.pointer,
    })),
  ),
);
