import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Env } from '@berkas/config';
import { startPrivateS3, type PrivateS3 } from '@berkas/testing';
import { createStorageClient, ensureBucket, PART_SIZE, sniffType, uploadStream } from './index';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF = Buffer.from('%PDF-1.7\n');

/** A stream of `total` bytes starting with `head`, delivered in 64 KiB chunks like a socket would. */
function fileStream(head: Buffer, total: number): { stream: Readable; sha256: string } {
  const body = Buffer.concat([head, randomBytes(total - head.length)]);
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= body.length) return this.push(null);
      this.push(body.subarray(offset, offset + 65536));
      offset += 65536;
    },
  });
  return { stream, sha256: createHash('sha256').update(body).digest('hex') };
}

describe('uploadStream against a real S3 server', () => {
  let s3: PrivateS3;
  const env = new S3Env();
  let client: ReturnType<typeof createStorageClient>;
  const limits = { maxBytes: 20 * 1024 * 1024, allowedTypes: ['application/pdf', 'image/png'] };

  beforeAll(async () => {
    s3 = await startPrivateS3();
    Object.assign(env, { port: s3.port, bucket: 'uploads-spec' });
    client = createStorageClient(env);
    await ensureBucket(client, env.bucket, env.region);
  });
  afterAll(() => s3.stop());

  const readBack = async (key: string) => {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await client.getObject(env.bucket, key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { size, sha256: hash.digest('hex') };
  };

  it('stores a multi-part file intact and reports its size, hash and sniffed type', async () => {
    const total = 2 * PART_SIZE + 12345;
    const { stream, sha256 } = fileStream(PNG, total);
    const stored = await uploadStream(client, env.bucket, 'docs/big', stream, limits);
    expect(stored).toEqual({
      key: 'docs/big',
      size: total,
      sha256,
      type: { mediaType: 'image/png', extension: 'png' },
    });
    expect(await readBack('docs/big')).toEqual({ size: total, sha256 });
    expect((await client.statObject(env.bucket, 'docs/big')).metaData['content-type']).toBe('image/png');
  });

  it('stores a small file in one request', async () => {
    const { stream, sha256 } = fileStream(PDF, 1000);
    await expect(uploadStream(client, env.bucket, 'docs/small', stream, limits)).resolves.toMatchObject({
      size: 1000,
      sha256,
    });
  });

  it('refuses a file whose bytes are not an allowed type, whatever its name, and keeps nothing', async () => {
    const { stream } = fileStream(Buffer.from('PK\x03\x04 this is a zip named surat.pdf'), 3 * PART_SIZE);
    await expect(uploadStream(client, env.bucket, 'docs/fake.pdf', stream, limits)).rejects.toMatchObject({
      status: 415,
    });
    await expect(client.statObject(env.bucket, 'docs/fake.pdf')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('stops at the size limit with 413 and leaves no object behind', async () => {
    const { stream } = fileStream(PDF, limits.maxBytes + PART_SIZE);
    await expect(uploadStream(client, env.bucket, 'docs/huge', stream, limits)).rejects.toMatchObject({
      status: 413,
      code: 'DOCUMENT_TOO_LARGE',
    });
    await expect(client.statObject(env.bucket, 'docs/huge')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses an empty file', async () => {
    await expect(
      uploadStream(client, env.bucket, 'docs/empty', Readable.from([]), limits),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('recognises the document types by their first bytes', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.mediaType).toBe('image/jpeg');
    expect(sniffType(Buffer.from('II*\0'))?.mediaType).toBe('image/tiff');
    expect(sniffType(Buffer.from('AC1032'))?.mediaType).toBe('image/vnd.dwg');
    expect(sniffType(Buffer.from('%PDX'))).toBeNull();
  });
});
