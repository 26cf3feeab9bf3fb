import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { AppError } from '@berkas/contracts';
import { SNIFF_BYTES, sniffType, type SniffedType } from './sniff';

/** S3's smallest part (but the last); parts are buffered one at a time, so this bounds the memory used. */
export const PART_SIZE = 5 * 1024 * 1024;

export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
  type: SniffedType;
}

export interface UploadLimits {
  maxBytes: number;
  /** Media types accepted; anything else is refused from its first bytes (415). */
  allowedTypes: string[];
}

/**
 * Streams an upload into object storage while hashing it and checking its type and size, holding at
 * most two parts in memory (one uploading, one filling). Small files go up in one PUT; larger ones as a multipart upload driven part
 * by part here (the minio client's own stream upload first lists in-progress uploads, which s3rver
 * does not implement, and numbers parts wrongly in minio-js 8.0.7). On any failure nothing is left
 * behind: the multipart upload is aborted, and the caller deletes a completed object it rejects.
 */
export async function uploadStream(
  client: Client,
  bucket: string,
  key: string,
  source: Readable,
  limits: UploadLimits,
): Promise<StoredObject> {
  const hash = createHash('sha256');
  let size = 0;
  let type: SniffedType | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: string | null = null;
  const etags: Array<{ part: number; etag: string }> = [];

  // One part uploads while the next one fills: at most two parts in memory, reading never idles.
  let inFlight: Promise<void> | null = null;
  let parts = 0;
  const flushPart = async () => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    uploadId ??= await client.initiateNewMultipartUpload(bucket, key, {
      'Content-Type': type?.mediaType ?? 'application/octet-stream',
    });
    const id = uploadId;
    const part = ++parts;
    if (inFlight) await inFlight;
    inFlight = client
      .uploadPart(
        {
          bucketName: bucket,
          objectName: key,
          uploadID: id,
          partNumber: part,
          headers: { 'Content-Length': body.length },
        },
        body,
      )
      .then(({ etag }) => {
        etags.push({ part, etag });
      });
    inFlight.catch(() => undefined); // its failure surfaces at the next await of inFlight
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        throw new AppError(
          'DOCUMENT_TOO_LARGE',
          413,
          `The file is larger than the ${Math.round(limits.maxBytes / 1048576)} MB allowed for this document`,
        );
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!type && pendingBytes >= SNIFF_BYTES) type = checkType(Buffer.concat(pending), limits);
      if (type && pendingBytes >= PART_SIZE) await flushPart();
    }
    if (size === 0) throw new AppError('DOCUMENT_EMPTY', 400, 'The file is empty');
    type ??= checkType(Buffer.concat(pending), limits);
    if (uploadId === null) {
      await client.putObject(bucket, key, Buffer.concat(pending, pendingBytes), pendingBytes, {
        'Content-Type': type.mediaType,
      });
    } else {
      if (pendingBytes > 0) await flushPart();
      await inFlight;
      await client.completeMultipartUpload(
        bucket,
        key,
        uploadId,
        etags.sort((x, y) => x.part - y.part),
      );
    }
    return { key, size, sha256: hash.digest('hex'), type };
  } catch (e) {
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    if (uploadId) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    source.resume(); // drain what the client still sends, so the connection can answer
    throw e;
  }
}

function checkType(head: Buffer, limits: UploadLimits): SniffedType {
  const type = sniffType(head);
  if (!type || !limits.allowedTypes.includes(type.mediaType)) {
    throw new AppError(
      'UNSUPPORTED_DOCUMENT_TYPE',
      415,
      `The file's content is ${type ? type.mediaType : 'not a recognised document type'}; allowed here: ${limits.allowedTypes.join(', ')}`,
    );
  }
  return type;
}
