import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The boundaries are enforced by lint, not by convention: prove the rule fires on the imports it must
// forbid, from the real workspace configuration.
const root = join(__dirname, '..');

// ESLint runs in its own process: its config loader needs native ESM, which Jest's sandbox lacks.
async function lintAs(file: string, code: string): Promise<string[]> {
  let output: string;
  try {
    output = execFileSync(
      join(root, 'node_modules/.bin/eslint'),
      ['--stdin', '--stdin-filename', join(root, file), '--format', 'json'],
      {
        cwd: root,
        input: code,
        encoding: 'utf8',
      },
    );
  } catch (e) {
    output = (e as { stdout: string }).stdout; // exit status 1 when the rule fires
  }
  const [result] = JSON.parse(output) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('forbids one service from importing another service', async () => {
    const messages = await lintAs(
      'services/gateway/src/app/probe.ts',
      `import { AppModule } from '../../../identity/src/app/app.module';\nexport const x = AppModule;\n`,
    );
    expect(messages.join('\n')).toMatch(/relative or absolute path|cannot be imported|can only depend/);
  });

  it('forbids production code from importing the test helpers, and allows specs to', async () => {
    const code = `import { uniqueName } from '@berkas/testing';\nexport const x = uniqueName('a');\n`;
    expect((await lintAs('libs/messaging/src/probe.ts', code)).join('\n')).toMatch(
      /can only depend on libs tagged/,
    );
    expect(await lintAs('libs/messaging/src/probe.spec.ts', code)).toEqual([]);
  });

  it('lets a service use the shared libraries', async () => {
    const code = `import { APP_VERSION } from '@berkas/config';\nexport const x = APP_VERSION;\n`;
    expect(await lintAs('services/permits/src/app/probe.ts', code)).toEqual([]);
  });
});
