import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the real servers are (started by scripts/infra.mjs); tests never replace them with fakes. */
export const TEST_INFRA = {
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432',
  natsUrl: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
  s3Endpoint: process.env['S3_ENDPOINT'] ?? '127.0.0.1',
  s3Port: Number(process.env['S3_PORT'] ?? 9000),
};

/** A name no other test run uses, safe as a database, bucket or NATS subject token. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

export async function dropDatabase(name: string, serverUrl = TEST_INFRA.databaseUrl): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Polls until `probe` returns a truthy value, or fails with the last error after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  timeoutMs = 10000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The error a promise rejects with; fails the test if it resolves instead. */
export async function rejectionOf<E = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the request to fail');
}
