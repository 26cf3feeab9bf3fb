import {
  ConfigError,
  envSpecs,
  loadConfig,
  DatabaseEnv,
  IdentityEnv,
  NatsEnv,
  S3Env,
  SERVICE_CONFIG,
} from './index';

describe('loadConfig', () => {
  it('reads, coerces and defaults each section', () => {
    const cfg = loadConfig(
      { db: DatabaseEnv, nats: NatsEnv, s3: S3Env },
      {
        NATS_URL: 'nats://a:4222, nats://b:4222',
        S3_USE_SSL: 'true',
        S3_PORT: '9443',
        DATABASE_POOL_SIZE: '4',
      },
      { DATABASE_NAME: 'berkas_x' },
    );
    expect(cfg.db).toMatchObject({
      name: 'berkas_x',
      poolSize: 4,
      url: 'postgres://postgres@127.0.0.1:5432',
    });
    expect(cfg.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(cfg.s3).toMatchObject({ useSsl: true, port: 9443 });
    expect(Object.isFrozen(cfg.db)).toBe(true);
  });

  it('names every bad variable in one line and hides secrets', () => {
    let error: unknown;
    try {
      loadConfig(
        { db: DatabaseEnv, s3: S3Env },
        { DATABASE_URL: 'mysql://root:hunter2@x/db', DATABASE_POOL_SIZE: 'many', S3_USE_SSL: 'maybe' },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(
      'DATABASE_URL must be a postgres:// URL without a database name (got (hidden))',
    );
    expect(message).toContain('DATABASE_POOL_SIZE');
    expect(message).toContain('S3_USE_SSL');
    expect(message).toContain('DATABASE_NAME is required');
    expect(message).not.toContain('hunter2');
  });

  it('gives each service a distinct database and HTTP port', () => {
    const backends = ['identity', 'tracking', 'permits'] as const;
    const names = backends.map((s) => SERVICE_CONFIG[s].defaults.DATABASE_NAME);
    const ports = backends.map((s) => SERVICE_CONFIG[s].defaults.HTTP_PORT);
    expect(new Set(names).size).toBe(3);
    expect(new Set(ports).size).toBe(3);
    expect([...envSpecs(S3Env).values()].filter((s) => s.secret).map((s) => s.name)).toEqual([
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
    ]);
  });
});

describe('production guards', () => {
  const original = process.env['NODE_ENV'];
  afterEach(() => {
    process.env['NODE_ENV'] = original;
  });

  it('refuses development secrets and demo data in production only', () => {
    expect(() => loadConfig({ identity: IdentityEnv }, { DEMO_DATA: 'true' })).not.toThrow();
    process.env['NODE_ENV'] = 'production';
    expect(() => loadConfig({ identity: IdentityEnv }, { DEMO_DATA: 'true' })).toThrow(
      /SIGNING_KEYS_SECRET must be set to your own secret in production.*DEMO_DATA cannot be on in production/,
    );
    expect(() =>
      loadConfig(
        { identity: IdentityEnv },
        { SIGNING_KEYS_SECRET: 'a-real-secret-of-at-least-32-characters!' },
      ),
    ).not.toThrow();
    expect(() => loadConfig({ identity: IdentityEnv }, { SIGNING_KEYS_SECRET: 'short' })).toThrow(
      /SIGNING_KEYS_SECRET/,
    );
  });
});
