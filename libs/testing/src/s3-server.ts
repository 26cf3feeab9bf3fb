import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface PrivateS3 {
  port: number;
  stop(): Promise<void>;
}

/** A real S3-compatible server (s3rver) on a free loopback port, private to one test file. */
export async function startPrivateS3(): Promise<PrivateS3> {
  const directory = mkdtempSync(join(tmpdir(), 'berkas-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = (await server.run()) as { port: number };
  return {
    port,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
