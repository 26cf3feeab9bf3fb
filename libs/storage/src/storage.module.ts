import { Global, Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { Client } from 'minio';
import { S3Env } from '@berkas/config';
import type { ReadinessCheck } from '@berkas/observability';

export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');
/** Signs download links for the public storage origin. */
export const LINK_SIGNER = Symbol('LINK_SIGNER');

/** The only way Berkas reaches object storage: the minio client, pointed at S3_* settings. */
export function createStorageClient(env: S3Env): Client {
  return new Client({
    endPoint: env.endpoint,
    port: env.port,
    useSSL: env.useSsl,
    accessKey: env.accessKey,
    secretKey: env.secretKey,
    region: env.region,
    pathStyle: true,
  });
}

/**
 * A client that only signs links, for the origin browsers use (S3_PUBLIC_URL): a presigned URL is
 * signed for its host, so one signed for the internal host (minio:9000) cannot be handed out and
 * rewritten. Signing needs no network (the region is given).
 */
export function createPresigningClient(env: S3Env): Client {
  if (!env.publicUrl) return createStorageClient(env);
  const origin = new URL(env.publicUrl);
  const useSSL = origin.protocol === 'https:';
  return new Client({
    endPoint: origin.hostname,
    port: origin.port ? Number(origin.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: env.accessKey,
    secretKey: env.secretKey,
    region: env.region,
    pathStyle: true,
  });
}

/** Creates the bucket if missing; a concurrent creator (another replica) is not an error. */
export async function ensureBucket(client: Client, bucket: string, region: string): Promise<boolean> {
  if (await client.bucketExists(bucket)) return false;
  try {
    await client.makeBucket(bucket, region);
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return false;
    throw e;
  }
}

@Injectable()
export class BucketInitializer implements OnModuleInit {
  constructor(
    @Inject(OBJECT_STORAGE) private readonly client: Client,
    private readonly env: S3Env,
  ) {}
  async onModuleInit(): Promise<void> {
    if (await ensureBucket(this.client, this.env.bucket, this.env.region)) {
      new Logger('Storage').log(`created bucket ${this.env.bucket}`);
    }
  }
}

@Injectable()
export class StorageReadiness implements ReadinessCheck {
  readonly name = 'object-storage';
  constructor(
    @Inject(OBJECT_STORAGE) private readonly client: Client,
    private readonly env: S3Env,
  ) {}
  async check(): Promise<void> {
    if (!(await this.client.bucketExists(this.env.bucket)))
      throw new Error(`bucket ${this.env.bucket} is missing`);
  }
}

/** The storage client and its readiness check; the service that owns the bucket also provides BucketInitializer. */
@Global()
@Module({
  providers: [
    { provide: OBJECT_STORAGE, inject: [S3Env], useFactory: createStorageClient },
    { provide: LINK_SIGNER, inject: [S3Env], useFactory: createPresigningClient },
    StorageReadiness,
  ],
  exports: [OBJECT_STORAGE, LINK_SIGNER, StorageReadiness],
})
export class StorageModule {}
