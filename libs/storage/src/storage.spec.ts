import { S3Env } from '@berkas/config';
import { startPrivateS3, uniqueName, type PrivateS3 } from '@berkas/testing';
import { createStorageClient, ensureBucket, StorageReadiness } from './index';

describe('object storage through the minio client against a real S3 server', () => {
  let s3: PrivateS3;
  beforeAll(async () => {
    s3 = await startPrivateS3();
  });
  afterAll(() => s3.stop());

  it('creates the bucket once, stores and reads back an object, and reports readiness', async () => {
    const env = Object.assign(new S3Env(), { port: s3.port, bucket: uniqueName('bkt').replace(/_/g, '-') });
    const client = createStorageClient(env);
    const readiness = new StorageReadiness(client, env);
    await expect(readiness.check()).rejects.toThrow(/missing/);

    // Two replicas starting together: neither fails (S3 may answer both with success).
    await Promise.all([
      ensureBucket(client, env.bucket, env.region),
      ensureBucket(client, env.bucket, env.region),
    ]);
    expect(await ensureBucket(client, env.bucket, env.region)).toBe(false);
    await expect(readiness.check()).resolves.toBeUndefined();

    await client.putObject(env.bucket, 'probe', Buffer.from('surat pengantar'));
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getObject(env.bucket, 'probe')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('surat pengantar');
  });
});
