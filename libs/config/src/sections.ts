import {
  ArrayNotEmpty,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { Env } from './env.decorator';

/**
 * Every setting of every Berkas service, grouped by concern. A service loads the sections it needs
 * (see services.ts); deploy files are checked against these names by test/deploy.
 */

export class RuntimeEnv {
  @Env('LOG_LEVEL', 'pino log level')
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  @Env('LOG_PRETTY', 'human-readable logs instead of JSON lines (development only)')
  @IsBoolean()
  logPretty = false;
}

export class HttpEnv {
  @Env('HTTP_PORT', "port of the service's own HTTP listener (health and metrics only)")
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 3100;

  @Env('HTTP_HOST', 'address the HTTP listener binds to')
  @IsString()
  @MinLength(1)
  host = '0.0.0.0';
}

/**
 * A service with a public port (the gateway, the pages): where it listens, its internal port for
 * metrics and probes, the address people reach it at, and how many proxies in front of it to believe.
 */
export class PublicHttpEnv {
  @Env('PORT', 'public HTTP port')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 3000;

  @Env('HTTP_HOST', 'address the HTTP listener binds to')
  @IsString()
  @MinLength(1)
  host = '0.0.0.0';

  @Env('INTERNAL_PORT', 'port for /metrics and /health/live|ready: for Prometheus and probes, not the public')
  @IsInt()
  @Min(1)
  @Max(65535)
  internalPort = 3100;

  @Env('PUBLIC_URL', 'URL at which people reach Berkas (printed, used in QR codes)')
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  publicUrl = 'http://localhost:3000';

  @Env('TRUST_PROXY_HOPS', 'reverse proxies in front whose X-Forwarded-For is believed')
  @IsInt()
  @Min(0)
  @Max(5)
  trustProxyHops = 0;
}

export class GatewayHttpEnv extends PublicHttpEnv {
  @Env(
    'CORS_ORIGINS',
    'comma-separated origins whose pages may call the API from a browser (e.g. a city portal); empty: none',
  )
  @Matches(/^https?:\/\/[^\s,/]+$/, { each: true, message: 'must list http(s) origins without a path' })
  corsOrigins: string[] = [];

  @Env('JSON_BODY_LIMIT_KB', 'largest JSON request body accepted (documents are uploaded as multipart)')
  @IsInt()
  @Min(1)
  @Max(10240)
  jsonBodyLimitKb = 256;

  @Env('RATE_LIMIT_LOOKUPS', 'public lookups (tracking, verification) per client per minute')
  @IsInt()
  @Min(1)
  lookupsPerMinute = 120;

  @Env(
    'RATE_LIMIT_SIGN_INS',
    'sign-in, registration, token refresh and new-member attempts per client per minute',
  )
  @IsInt()
  @Min(1)
  signInsPerMinute = 20;

  @Env('RATE_LIMIT_REQUESTS', 'requests per signed-in account per minute, over every authenticated route')
  @IsInt()
  @Min(1)
  requestsPerMinute = 600;

  @Env(
    'PUBLIC_VIEW_CACHE_SECONDS',
    'how long the gateway may answer a tracking lookup from memory (0: never); changes evict at once',
  )
  @IsInt()
  @Min(0)
  @Max(300)
  publicViewCacheSeconds = 30;
}

/** The web service: the pages people use, rendered from templates; it calls the JSON API as them. */
export class WebEnv extends PublicHttpEnv {
  override internalPort = 3190;

  @Env('API_URL', "the gateway's JSON API as the pages reach it, inside the cluster (no trailing slash)")
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, { message: 'must be an http(s) URL without a trailing slash' })
  apiUrl = 'http://127.0.0.1:3080';

  @Env(
    'SERVE_API',
    'true where no ingress routes /api, /docs and /.well-known to the gateway (one machine): the pages forward them',
  )
  @IsBoolean()
  serveApi = false;

  @Env('REGION_CODE', 'the kota/kabupaten (BPS code) whose portal this is: applications made here are to it')
  @Matches(/^[0-9]{4}$/, { message: 'must be a 4-digit BPS region code' })
  regionCode = '3271';
}

/** The web service's sessions: cookies that name a row in its own database, so any replica serves them. */
export class WebSessionEnv {
  @Env('SESSION_SECRET', 'signs the session cookie (32+ characters; the same on every web replica)', {
    secret: true,
  })
  @IsString()
  @MinLength(32)
  @NotInProduction((v) => String(v).startsWith('dev-only-'), 'must be set to your own secret in production')
  secret = 'dev-only-session-secret-change-me-please';

  @Env('SESSION_IDLE_MINUTES', 'a session not used for this long ends (the person signs in again)')
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  idleMinutes = 60;
}

export class DatabaseEnv {
  @Env(
    'DATABASE_URL',
    'PostgreSQL server URL without a database name, e.g. postgres://berkas:secret@db:5432',
    {
      secret: true,
    },
  )
  @Matches(/^postgres(ql)?:\/\/[^\s/]+\/?$/, { message: 'must be a postgres:// URL without a database name' })
  url = 'postgres://postgres@127.0.0.1:5432';

  @Env('DATABASE_NAME', 'database owned by this service; created on start if missing')
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case PostgreSQL identifier' })
  name: string;

  @Env('DATABASE_POOL_SIZE', 'maximum connections this replica opens')
  @IsInt()
  @Min(1)
  @Max(200)
  poolSize = 10;
}

export class NatsEnv {
  @Env('NATS_URL', 'comma-separated NATS server URLs')
  @ArrayNotEmpty()
  @Matches(/^(nats|tls):\/\/[^\s,]+$/, { each: true, message: 'must list nats:// or tls:// URLs' })
  servers: string[] = ['nats://127.0.0.1:4222'];

  @Env(
    'NATS_USER',
    "this service's NATS user (its permissions come from proto/: scripts/lib/nats-auth.cjs); empty: none",
  )
  @IsString()
  user = '';

  @Env('NATS_PASSWORD', "that user's password", { secret: true })
  @IsString()
  password = '';

  @Env('NATS_REQUEST_TIMEOUT_MS', 'how long a request over NATS waits for its reply')
  @IsInt()
  @Min(100)
  @Max(120000)
  requestTimeoutMs = 5000;

  @Env('EVENTS_STREAM', 'JetStream stream holding domain events (subjects evt.>)')
  @Matches(/^[A-Z0-9_-]+$/, { message: 'must be an upper-case stream name' })
  eventsStream = 'BERKAS_EVENTS';

  @Env('EVENTS_REPLICAS', 'JetStream replicas of the event stream (3 on a NATS cluster)')
  @IsInt()
  @Min(1)
  @Max(5)
  eventsReplicas = 1;
}

export class S3Env {
  @Env('S3_ENDPOINT', 'host name of the S3-compatible object store (MinIO)')
  @IsString()
  @MinLength(1)
  endpoint = '127.0.0.1';

  @Env('S3_PORT', 'port of the object store')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 9000;

  @Env('S3_USE_SSL', 'use HTTPS to reach the object store')
  @IsBoolean()
  useSsl = false;

  @Env('S3_ACCESS_KEY', 'object store access key', { secret: true })
  @IsString()
  @MinLength(3)
  accessKey = 'S3RVER';

  @Env('S3_SECRET_KEY', 'object store secret key', { secret: true })
  @IsString()
  @MinLength(3)
  @MaxLength(128)
  secretKey = 'S3RVER';

  @Env('S3_REGION', 'object store region')
  @IsString()
  region = 'us-east-1';

  @Env(
    'S3_PUBLIC_URL',
    'origin at which browsers reach the object store for presigned download links (its own host, e.g. https://files.example.go.id); empty: the endpoint above',
  )
  @Matches(/^(https?:\/\/[^\s/]+)?$/, { message: 'must be an http(s) origin without a path' })
  publicUrl = '';

  @Env('S3_BUCKET', 'bucket holding the documents; created on start if missing')
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name' })
  bucket = 'berkas-documents';
}

export class MailEnv {
  @Env('SMTP_HOST', 'mail server that sends Berkas email (a local sink in development)')
  @IsString()
  @MinLength(1)
  host = '127.0.0.1';

  @Env('SMTP_PORT', 'its port (587 with STARTTLS, 465 with SMTP_SECURE)')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 1025;

  @Env('SMTP_SECURE', 'TLS from the first byte (port 465); otherwise STARTTLS when the server offers it')
  @IsBoolean()
  secure = false;

  @Env('SMTP_USERNAME', 'SMTP user, if the server wants one')
  @IsString()
  username = '';

  @Env('SMTP_PASSWORD', 'SMTP password', { secret: true })
  @IsString()
  password = '';

  @Env('MAIL_FROM', 'sender of Berkas email, as "Name <address>"')
  @IsString()
  @MinLength(3)
  from = 'Berkas <noreply@berkas.example.id>';
}

export class SmsEnv {
  @Env(
    'SMS_API_URL',
    'base URL of the SMS gateway, which speaks the Twilio Messages API (a local stand-in in development)',
  )
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  apiUrl = 'http://127.0.0.1:8026';

  @Env('SMS_ACCOUNT_SID', 'the gateway account SID')
  @IsString()
  @MinLength(2)
  accountSid = 'ACdev';

  @Env('SMS_AUTH_TOKEN', 'the gateway auth token', { secret: true })
  @IsString()
  @MinLength(3)
  @NotInProduction((v) => v === 'dev-token', "must be the gateway's own token in production")
  authToken = 'dev-token';

  @Env('SMS_FROM', 'sender name or number of Berkas SMS')
  @IsString()
  @MinLength(2)
  @MaxLength(20)
  from = 'BERKAS';
}

export class WhatsAppEnv {
  @Env(
    'WHATSAPP_API_URL',
    'base URL of the WhatsApp Business Cloud API (https://graph.facebook.com; a local stand-in in development)',
  )
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  apiUrl = 'http://127.0.0.1:8027';

  @Env('WHATSAPP_API_VERSION', 'the Graph API version messages are sent with')
  @Matches(/^v[0-9]+\.[0-9]+$/, { message: 'must look like v21.0' })
  apiVersion = 'v21.0';

  @Env('WHATSAPP_PHONE_NUMBER_ID', "the id of Berkas's WhatsApp business phone number")
  @Matches(/^[0-9]{5,20}$/, { message: 'must be the numeric id Meta gave the number' })
  phoneNumberId = '100000000000001';

  @Env('WHATSAPP_ACCESS_TOKEN', 'a system user access token with whatsapp_business_messaging', {
    secret: true,
  })
  @IsString()
  @MinLength(3)
  @NotInProduction((v) => v === 'dev-wa-token', "must be Meta's token in production")
  accessToken = 'dev-wa-token';

  @Env('WHATSAPP_APP_SECRET', "the Meta app's secret, which signs the status webhooks", { secret: true })
  @IsString()
  @MinLength(3)
  @NotInProduction((v) => v === 'dev-app-secret', "must be the app's own secret in production")
  appSecret = 'dev-app-secret';

  @Env('WHATSAPP_VERIFY_TOKEN', "the token Meta's webhook check must present (chosen when subscribing)", {
    secret: true,
  })
  @IsString()
  @MinLength(8)
  @NotInProduction((v) => v === 'dev-verify-token', 'must be your own token in production')
  verifyToken = 'dev-verify-token';
}

/** The notifications service: where its messages' links lead, and how hard it tries. */
export class NotificationsEnv {
  @Env(
    'PUBLIC_URL',
    "URL at which people reach Berkas: the links in messages, and the providers' delivery webhooks (under /api)",
  )
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, { message: 'must be an http(s) URL without a trailing slash' })
  publicUrl = 'http://localhost:3000';

  @Env('DIGEST_HOUR', "the local hour (region's time) from which officers' daily digests go out, on working days")
  @IsInt()
  @Min(0)
  @Max(23)
  digestHour = 7;

  @Env('LINK_SECRET', 'signs the links in messages that withdraw consent (32+ characters)', { secret: true })
  @IsString()
  @MinLength(32)
  @NotInProduction((v) => String(v).startsWith('dev-only-'), 'must be set to your own secret in production')
  linkSecret = 'dev-only-notification-link-secret-change-me';

  @Env(
    'MESSAGE_MAX_ATTEMPTS',
    'tries of a message on one channel before it is dead and the next channel is tried',
  )
  @IsInt()
  @Min(1)
  @Max(30)
  maxAttempts = 8;

  @Env('MESSAGE_RETRY_BASE_MS', 'wait before the first retry; it doubles with each (to 10 minutes at most)')
  @IsInt()
  @Min(50)
  @Max(600000)
  retryBaseMs = 5000;
}

/** Refuses a value that is fine for development but not when NODE_ENV=production. */
function NotInProduction(isDevOnly: (value: unknown) => boolean, message: string): PropertyDecorator {
  return ValidateBy({
    name: 'notInProduction',
    validator: {
      validate: (value) => process.env['NODE_ENV'] !== 'production' || !isDevOnly(value),
      defaultMessage: () => message,
    },
  });
}

/** Development-only default; refused when NODE_ENV=production. */
export const DEV_SIGNING_KEYS_SECRET = 'dev-only-signing-keys-secret-change-me';

export class IdentityEnv {
  @Env('SIGNING_KEYS_SECRET', 'encrypts the token signing keys at rest (32+ characters)', { secret: true })
  @IsString()
  @MinLength(32)
  @NotInProduction((v) => String(v).startsWith('dev-only-'), 'must be set to your own secret in production')
  signingKeysSecret = DEV_SIGNING_KEYS_SECRET;

  @Env('ACCESS_TOKEN_TTL_SECONDS', 'lifetime of an access token')
  @IsInt()
  @Min(60)
  @Max(3600)
  accessTokenTtlSeconds = 900;

  @Env('REFRESH_TOKEN_TTL_DAYS', 'lifetime of a refresh token (each use rotates it)')
  @IsInt()
  @Min(1)
  @Max(90)
  refreshTokenTtlDays = 30;

  @Env(
    'LOGIN_MAX_ATTEMPTS',
    'failed sign-ins to one name from one client in an hour before that client waits (1 min, doubling to 1 h)',
  )
  @IsInt()
  @Min(3)
  @Max(20)
  loginMaxAttempts = 5;

  @Env(
    'LOGIN_ACCOUNT_ALARM',
    'failed sign-ins to one name from all clients in an hour after which clients that failed wait out the hour',
  )
  @IsInt()
  @Min(5)
  @Max(10000)
  loginAccountAlarm = 50;

  @Env('DEMO_DATA', 'load the Kota Bogor demo agencies and accounts on start (refused in production)')
  @IsBoolean()
  @NotInProduction((v) => v === true, 'cannot be on in production')
  demoData = false;
}

export class PermitsEnv {
  @Env('PERMIT_SEAL_SECRET', 'derives the key that signs issued permits (their QR codes); 32+ characters', {
    secret: true,
  })
  @IsString()
  @MinLength(32)
  @NotInProduction((v) => String(v).startsWith('dev-only-'), 'must be set to your own secret in production')
  sealSecret = 'dev-only-permit-seal-secret-change-me-please';

  @Env('PUBLIC_URL', "URL at which citizens reach the gateway (printed in permits' QR codes)")
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  publicUrl = 'http://localhost:3000';

  @Env(
    'CORRECTION_WORKING_DAYS',
    'working days an applicant has to answer a return for correction (reminded 3 and 1 days before)',
  )
  @IsInt()
  @Min(1)
  @Max(60)
  correctionWorkingDays = 10;

  @Env('SLA_SCAN_SECONDS', 'how often overdue tasks are looked for and escalated to supervisors')
  @IsInt()
  @Min(1)
  @Max(3600)
  slaScanSeconds = 30;
}
