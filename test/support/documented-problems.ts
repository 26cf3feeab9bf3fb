/**
 * Every refusal the gateway answered during a test, checked against the OpenAPI document: the route
 * must list the status, and the problem code among that status's codes. The gateway's access log
 * names each refusal's code, so every e2e spec checks the contract with whatever it happened to do.
 */

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ProblemResponse> }>>;
}
interface ProblemResponse {
  content?: Record<string, { schema?: { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } }>;
}
interface AccessLine {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  problem?: string;
}

/** A path template as a pattern; literal templates win over ones with parameters. */
function routesOf(document: OpenApiDocument) {
  return Object.keys(document.paths)
    .map((path) => ({
      path,
      params: (path.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => a.params - b.params);
}

const codesOf = (response: ProblemResponse | undefined): string[] =>
  response?.content?.['application/problem+json']?.schema?.allOf?.flatMap(
    (part) => part.properties?.code?.enum ?? [],
  ) ?? [];

/** "GET /api/v1/… → 409 TASK_TAKEN" for each refusal the document does not list, once each. */
export function undocumentedProblems(document: OpenApiDocument, logLines: string[]): string[] {
  const routes = routesOf(document);
  const found = new Set<string>();
  for (const line of logLines) {
    if (!line.includes('"statusCode":')) continue;
    let entry: AccessLine;
    try {
      entry = JSON.parse(line) as AccessLine;
    } catch {
      continue;
    }
    const status = entry.res?.statusCode ?? 0;
    const verb = entry.req?.method?.toLowerCase() ?? '';
    const path = decodeURI(entry.req?.url ?? '').split('?')[0];
    if (status < 400 || (status >= 500 && status !== 503)) continue; // other 5xx are bugs, caught elsewhere
    const route = routes.find((r) => r.pattern.test(path) && document.paths[r.path][verb]);
    if (!route) continue; // a page, the docs, or no route at all
    const response = document.paths[route.path][verb].responses?.[String(status)];
    if (response && !response.content?.['application/problem+json']) continue; // e.g. /health's own 503
    if (!response) found.add(`${verb.toUpperCase()} ${route.path} → ${status} (no such status listed)`);
    else if (!entry.problem || !codesOf(response).includes(entry.problem))
      found.add(`${verb.toUpperCase()} ${route.path} → ${status} ${entry.problem ?? '(no code)'}`);
  }
  return [...found].sort();
}
