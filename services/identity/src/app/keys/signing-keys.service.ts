import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { exportJWK, type JSONWebKeySet } from 'jose';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { IdentityEnv } from '@berkas/config';
import type { Jwks, KeyRotated } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { TOKEN_ALGORITHM, type JwksSource } from '@berkas/auth';
import { KeyEncryption } from './key-encryption';
import { SigningKey } from './signing-key.entity';

const ROTATION_LOCK = 0x6b657973; // "keys"
/** How long replicas may keep signing with a key they cached before a rotation. */
const ACTIVE_KEY_CACHE_MS = 60_000;

interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * Ed25519 signing keys. One is active; rotation retires it but keeps publishing its public half
 * until every token it could have signed has expired, so rotation never signs anyone out.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, JwksSource {
  private readonly logger = new Logger('SigningKeys');
  private readonly sealer: KeyEncryption;
  private active: (ActiveKey & { loadedAt: number }) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly env: IdentityEnv,
  ) {
    this.sealer = new KeyEncryption(env.signingKeysSecret);
  }

  async onModuleInit(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      if (!(await m.findOneBy(SigningKey, { retiredAt: IsNull() }))) await this.createKey(m);
    });
  }

  /** The key new tokens are signed with. */
  async activeKey(): Promise<ActiveKey> {
    if (this.active && Date.now() - this.active.loadedAt < ACTIVE_KEY_CACHE_MS) return this.active;
    const row = await this.dataSource
      .getRepository(SigningKey)
      .findOne({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
    if (!row) throw new Error('no active signing key');
    this.active = {
      kid: row.kid,
      privateKey: createPrivateKey(this.sealer.decrypt(row.privateKeyEnc)),
      loadedAt: Date.now(),
    };
    return this.active;
  }

  /** Public keys still needed to verify live tokens: the active one and recently retired ones. */
  async jwks(): Promise<Jwks> {
    const graceMs = (this.env.accessTokenTtlSeconds + 120) * 1000 + ACTIVE_KEY_CACHE_MS;
    const rows = await this.dataSource.getRepository(SigningKey).find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(new Date(Date.now() - graceMs)) }],
      order: { createdAt: 'DESC' },
    });
    return {
      keys: rows.map((r) => ({ ...r.publicJwk, kid: r.kid, alg: r.alg, use: 'sig' }) as Jwks['keys'][number]),
    };
  }

  /** JwksSource for identity's own TokenVerifier: straight from the database. */
  async load(): Promise<JSONWebKeySet> {
    return (await this.jwks()) as JSONWebKeySet;
  }

  async rotate(): Promise<KeyRotated> {
    const rotated = await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      await m.update(SigningKey, { retiredAt: IsNull() }, { retiredAt: new Date() });
      const key = await this.createKey(m);
      const event: KeyRotated = { kid: key.kid, activatedAt: key.createdAt.toISOString() };
      await this.outbox.add(m, 'evt.identity.signing-key-rotated', event, {
        source: '/berkas/identity',
        subject: key.kid,
      });
      return event;
    });
    this.active = null;
    this.logger.log({ kid: rotated.kid }, 'signing key rotated');
    return rotated;
  }

  private async createKey(m: EntityManager): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = await exportJWK(publicKey);
    const key = m.create(SigningKey, {
      kid: randomUUID(),
      alg: TOKEN_ALGORITHM,
      publicJwk: { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x) },
      privateKeyEnc: this.sealer.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      createdAt: new Date(),
    });
    return m.save(key);
  }
}
