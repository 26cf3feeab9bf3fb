import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { text } from 'express';
import helmet from 'helmet';
import type { GatewayHttpEnv } from '@berkas/config';
import { AppError } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { sendProblem } from '../errors/problem-details.filter';

/** Where the providers post their delivery reports (see the delivery reports controller). */
export const DELIVERY_REPORTS = '/api/v1/delivery-reports';

/** Content types a route with a body accepts: JSON, and multipart for document uploads. */
const ACCEPTED_BODIES = /^(application\/(json|[\w.+-]+\+json)|multipart\/form-data)\b/i;

/**
 * Protection every request passes before a controller sees it: security headers (the API serves no
 * page but its documentation), CORS only for the configured origins, the client address from trusted proxies only,
 * bounded bodies, and body-parser failures (bad JSON, too large) answered as problem documents.
 */
export function hardenHttp(nestApp: INestApplication, env: GatewayHttpEnv): void {
  const app = nestApp as NestExpressApplication;
  app.set('trust proxy', env.trustProxyHops);
  app.disable('x-powered-by');
  const directives = (scriptSrc: string) => ({
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    scriptSrc: [scriptSrc],
    styleSrc: ["'self'", "'unsafe-inline'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: env.publicUrl.startsWith('https:') ? [] : null,
  });
  // Nothing the API answers runs a script; Swagger UI at /docs is the one exception, served from here.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: directives("'none'") },
      strictTransportSecurity: env.publicUrl.startsWith('https:'),
    }),
  );
  app.use('/docs', helmet.contentSecurityPolicy({ directives: directives("'self'") }));
  app.enableCors({
    origin: env.corsOrigins.length ? env.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'Repr-Digest',
      'Location',
    ],
    maxAge: 600,
  });
  // Providers' delivery reports are signed over their exact bytes (JSON from Meta, a form from the SMS
  // gateway): kept as the text received, for the notifications service to check.
  app.use(DELIVERY_REPORTS, text({ type: () => true, limit: '256kb' }));
  app.use(refuseUnknownBodyTypes, acceptIdempotencyKey);
  const limit = `${env.jsonBodyLimitKb}kb`;
  app.useBodyParser('json', { limit, type: ['application/json', 'application/*+json'] });
  app.use(bodyParserErrors, refuseHostileInput);
}

function refuseUnknownBodyTypes(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith(DELIVERY_REPORTS)) return next();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  const type = req.headers['content-type'];
  if (hasBody && !ACCEPTED_BODIES.test(type ?? '')) {
    sendProblem(
      req,
      res,
      new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        415,
        `Content-Type ${type ?? '(none)'} is not accepted: send application/json (or multipart/form-data for documents)`,
      ),
    );
    return;
  }
  next();
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** A client's Idempotency-Key travels with its request to the service that does the work. */
function acceptIdempotencyKey(req: Request, res: Response, next: NextFunction): void {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return next();
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    sendProblem(
      req,
      res,
      AppError.invalid('/headers/idempotency-key', 'must be 8 to 128 letters, digits or . _ : -'),
    );
    return;
  }
  const ctx = RequestContext.current();
  if (ctx) ctx.idempotencyKey = key;
  next();
}

/** A lone UTF-16 surrogate (not text) or a NUL (which PostgreSQL cannot store in text). */
// eslint-disable-next-line no-control-regex -- finding the NUL is the point
const NOT_TEXT = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/;

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '\u0000'; // not even percent-decodable
  }
}

/** No request Berkas takes nests deeper than this; deeper input only costs every layer's recursion. */
const MAX_DEPTH = 32;
/** Keys that reach an object's prototype: refused like any unknown field, never silently dropped. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first thing wrong with the shape of a parsed body or query, with where it is; null if none. */
function hostileShape(value: unknown, path = '', depth = 0): AppError | null {
  if (typeof value === 'string')
    return NOT_TEXT.test(value)
      ? new AppError('MALFORMED_UNICODE', 400, 'The request contains text that is not valid Unicode')
      : null;
  if (!value || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH)
    return new AppError('TOO_DEEP', 400, `The request is nested deeper than ${MAX_DEPTH} levels`, [
      { path: path || '/', message: 'is nested too deeply' },
    ]);
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (PROTOTYPE_KEYS.has(key)) return AppError.invalid(at, 'is not allowed');
    const problem = NOT_TEXT.test(key)
      ? new AppError('MALFORMED_UNICODE', 400, 'The request contains text that is not valid Unicode')
      : hostileShape(inner, at, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * JSON and URLs can carry lone surrogates and NULs (not text: validators and PostgreSQL fail on
 * them in odd ways), prototype keys, and nesting no request needs. Such a request is refused whole,
 * with a 400 saying why, before any validator or service sees it.
 */
function refuseHostileInput(req: Request, res: Response, next: NextFunction): void {
  const problem =
    hostileShape(req.body) ??
    hostileShape(req.query) ??
    (NOT_TEXT.test(safeDecode(req.path))
      ? new AppError('MALFORMED_UNICODE', 400, 'The request contains text that is not valid Unicode')
      : null);
  if (!problem) return next();
  sendProblem(req, res, problem);
}

/** body-parser reports with `type` and `status`; turn those into the same problem documents as the rest. */
function bodyParserErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  const known: Record<string, AppError> = {
    'entity.parse.failed': new AppError('MALFORMED_JSON', 400, `The body is not valid JSON: ${e.message}`),
    'entity.too.large': new AppError(
      'BODY_TOO_LARGE',
      413,
      `The body is larger than the ${e.limit} bytes accepted`,
    ),
    'encoding.unsupported': new AppError('UNSUPPORTED_ENCODING', 415, 'The body encoding is not supported'),
    'charset.unsupported': new AppError('UNSUPPORTED_ENCODING', 415, 'The body charset is not supported'),
    'request.aborted': new AppError('REQUEST_ABORTED', 400, 'The client aborted the request'),
  };
  const match = e?.type ? known[e.type] : undefined;
  if (!match) return next(err);
  sendProblem(req, res, match);
}
