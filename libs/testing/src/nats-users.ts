import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
// The one source of NATS permissions (worked out from proto/), shared with npm start and deploy/.
const natsAuth = require(join(root, 'scripts/lib/nats-auth.cjs')) as {
  USERS: NatsUserName[];
  authorizationBlock(password: (service: NatsUserName) => string): string;
};

/** The services' users, and `auditor`, which only reads the event stream. */
export type NatsUserName = 'gateway' | 'identity' | 'tracking' | 'permits' | 'notifications' | 'auditor';

/** Each service's NATS user and the password made for this test run. */
export type NatsCredentials = Record<NatsUserName, { user: NatsUserName; password: string }>;

/** Fresh passwords for every service's user, never reused between runs. */
export function newNatsCredentials(): NatsCredentials {
  return Object.fromEntries(
    natsAuth.USERS.map((s) => [s, { user: s, password: randomBytes(18).toString('base64url') }]),
  ) as NatsCredentials;
}

/**
 * Writes a nats-server configuration file holding the users and permissions (and `extra`, such as
 * listen and JetStream settings) and answers its path.
 */
export function writeNatsConfig(dir: string, credentials: NatsCredentials, extra = ''): string {
  const file = join(dir, 'berkas-nats.conf');
  writeFileSync(
    file,
    `${extra}\n${natsAuth.authorizationBlock((s) => JSON.stringify(credentials[s].password))}`,
  );
  return file;
}

/** The settings a service (or a test speaking as one) connects with. */
export const natsEnvFor = (credentials: NatsCredentials | undefined, service: NatsUserName) =>
  credentials ? { NATS_USER: service, NATS_PASSWORD: credentials[service].password } : {};

/** Connection options of `user` (for nats.js connect), with its own inbox prefix as its permissions want. */
export const natsConnectAs = (credentials: NatsCredentials | undefined, user: NatsUserName) =>
  credentials ? { user, pass: credentials[user].password, inboxPrefix: `_INBOX_${user}` } : {};
