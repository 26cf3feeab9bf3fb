import type { INestApplication, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common/enums/request-method.enum';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { ROLES_METADATA } from '@berkas/auth';
import { APP_VERSION } from '@berkas/config';
import { ERRORS, REQUESTS, SCHEMAS, type ErrorCode } from '@berkas/contracts';
import { IS_PUBLIC_ROUTE } from '@berkas/observability';
import { BODY_SCHEMAS } from '../../generated/bodies';
import { RATE_LIMIT_METADATA } from '../protection/rate-limit';
import { CALLS_METADATA, type CallsSpec } from './calls.decorator';

/** `Permits_submit` for PermitsController.submit: how the document and the enrichment find an operation. */
const operationId = (controller: string, method: string) =>
  `${controller.replace(/Controller$/, '')}_${method}`;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** Binary content the OpenAPI 3.1 way (Swagger's types still describe 3.0). */
const bytesOf = (mediaType: string) => ({ type: 'string', contentMediaType: mediaType }) as SchemaObject;

/** proto schemas are JSON Schema; OpenAPI 3.1 takes them as they are once refs point at components. */
function protoComponents(): Record<string, SchemaObject> {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === '$ref' ? String(v).replace('#/definitions/', '#/components/schemas/') : rewrite(v),
      ]),
    );
  };
  return rewrite(SCHEMAS) as Record<string, SchemaObject>;
}

const PROBLEM: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` names each offending field (JSON Pointer) and why.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'stable machine-readable code, e.g. VALIDATION_FAILED' },
    requestId: {
      type: 'string',
      description: 'correlation id, also in the X-Request-Id header and every log line',
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };
/** draft-ietf-httpapi-ratelimit-headers: the allowance and what is left of it. */
const RATE_LIMITED = {
  ...RETRY_AFTER,
  'RateLimit-Policy': {
    description: 'the allowance: "<bucket>";q=<requests>;w=<seconds>',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'what is left: "<bucket>";r=<remaining>;t=<seconds to reset>',
    schema: { type: 'string' },
  },
};
const HEADERS_OF_STATUS: Record<number, ResponseObject['headers']> = { 429: RATE_LIMITED, 503: RETRY_AFTER };

/**
 * One response per status, listing the codes (proto/errors.yaml) a caller may meet with it: in the
 * description for people, as the `code` enum for tools.
 */
function problemResponses(codes: Iterable<ErrorCode>): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `\`${c}\`: ${ERRORS[c].summary}`).join('\n\n'),
        ...(HEADERS_OF_STATUS[status] ? { headers: HEADERS_OF_STATUS[status] } : {}),
        content: {
          'application/problem+json': {
            schema: { allOf: [ref('Problem'), { properties: { code: { enum: list } } }] },
          },
        },
      },
    ]),
  );
}

interface RouteFacts {
  verb: RequestMethod;
  calls?: CallsSpec;
  isPublic: boolean;
  roles?: string[];
  rateLimit?: string;
  status: number;
  query?: Type;
}

function routeFacts(controller: Type, method: string): RouteFacts | undefined {
  const handler = controller.prototype[method];
  const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  if (verb === undefined) return undefined;
  const own = <T>(key: string): T | undefined =>
    Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    { index: number }
  >;
  const paramTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Type[];
  const queryArg = Object.entries(args).find(([key]) => key.startsWith(`${RouteParamtypes.QUERY}:`));
  return {
    verb,
    calls: own<CallsSpec>(CALLS_METADATA),
    isPublic: own<boolean>(IS_PUBLIC_ROUTE) === true,
    roles: own<string[]>(ROLES_METADATA),
    rateLimit: own<string>(RATE_LIMIT_METADATA),
    status: own<number>(HTTP_CODE_METADATA) ?? (verb === RequestMethod.POST ? 201 : 200),
    query: queryArg ? paramTypes[queryArg[1].index] : undefined,
  };
}

/** Query parameters from the class-validator class the route validates its query with. */
function queryParameters(queryClass: Type): ParameterObject[] {
  const schema = targetConstructorToSchema(queryClass) as SchemaObject;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: s as SchemaObject,
  }));
}

function describe(op: OperationObject, facts: RouteFacts): void {
  const { calls } = facts;
  if (calls) {
    op.summary = calls.summary ?? REQUESTS[calls.subject].summary;
    const replySchema = calls.reply ?? REQUESTS[calls.subject].reply;
    op.responses = {
      [facts.status]: calls.bytes
        ? {
            description: 'the bytes',
            content: { [calls.bytes]: { schema: bytesOf(calls.bytes) } },
          }
        : { description: 'OK', content: { 'application/json': { schema: ref(replySchema) } } },
    };
    if (calls.upload) {
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['kind', 'file'],
              properties: {
                kind: { type: 'string', description: 'document kind, sent before the file' },
                file: bytesOf('application/octet-stream'),
              },
            },
          },
        },
      };
    }
  }
  if (facts.query) {
    op.parameters = [
      ...(op.parameters ?? []).filter((p) => 'in' in p && p.in !== 'query'),
      ...queryParameters(facts.query),
    ];
  }
  const idempotent = calls && REQUESTS[calls.subject].idempotent;
  if (idempotent) {
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Any unique string (8–128 of A–Z a–z 0–9 . _ : -). A retry with the same key is applied once and answers the first reply.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
      },
    ];
  }
  if (facts.isPublic) {
    op.security = [];
  } else {
    op.security = [{ bearer: [] }];
    if (facts.roles) op.description = `Roles: ${facts.roles.join(', ')}.`;
  }
  const hasPath = op.parameters?.some((p) => 'in' in p && p.in === 'path') ?? false;
  op.responses = {
    ...problemResponses(problemCodesOf(facts, { idempotent: !!idempotent, hasPath })),
    ...op.responses, // a route's own answer for a status (/health's 503 report) stays
  };
  if (op.responses['429']) {
    const who = [
      ...(facts.rateLimit ? [`${facts.rateLimit} from this client`] : []),
      ...(facts.isPublic ? [] : ['requests from this account']),
    ];
    const limited = op.responses['429'] as ResponseObject;
    limited.description = `Too many ${who.join(' or ')} this minute.\n\n${limited.description}`;
  }
}

/**
 * The codes a route may answer: those its subjects declare in proto/ and those every route of its
 * kind meets (a body to parse, a token to check, an upload to stream, a limit to keep).
 */
function problemCodesOf(facts: RouteFacts, route: { idempotent: boolean; hasPath: boolean }): ErrorCode[] {
  const { calls } = facts;
  const subjects = calls ? [calls.subject, ...(calls.then ?? [])] : [];
  const takesBody = facts.verb !== RequestMethod.GET && facts.verb !== RequestMethod.DELETE;
  return [
    ...subjects.flatMap((s) => REQUESTS[s].errors as readonly ErrorCode[]),
    ...ALWAYS,
    ...(takesBody ? (calls?.upload ? UPLOADS : BODIES) : []),
    ...(takesBody ? WRITES : []),
    ...(facts.isPublic ? [] : SIGNED_IN),
    ...(facts.isPublic && !facts.rateLimit ? [] : (['RATE_LIMITED'] as const)),
    ...(route.hasPath ? (['NOT_FOUND'] as const) : []),
    ...(route.idempotent ? (['IDEMPOTENCY_KEY_REUSED'] as const) : []),
  ];
}
/** Any route: a field or the URL is wrong; a service is down or slow. */
const ALWAYS: ErrorCode[] = ['VALIDATION_FAILED', 'MALFORMED_UNICODE', 'SERVICE_UNAVAILABLE'];
/** What harden-http refuses before a JSON body reaches the route. */
const BODIES: ErrorCode[] = [
  'MALFORMED_JSON',
  'TOO_DEEP',
  'REQUEST_ABORTED',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNSUPPORTED_ENCODING',
];
/** What streaming an upload to storage may meet. */
const UPLOADS: ErrorCode[] = [
  'MALFORMED_UPLOAD',
  'REQUEST_ABORTED',
  'DOCUMENT_EMPTY',
  'DOCUMENT_TOO_LARGE',
  'UNSUPPORTED_DOCUMENT_TYPE',
  'UNSUPPORTED_MEDIA_TYPE',
];
/** Two writes to the same record at once: the later one is told to try again. */
const WRITES: ErrorCode[] = ['CONFLICT_RETRY'];
/** The access token, then who may do this. */
const SIGNED_IN: ErrorCode[] = [
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'FORBIDDEN',
  'CALLER_NOT_ALLOWED',
  'PASSWORD_CHANGE_REQUIRED',
];

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the code: routes and parameters by Nest's
 * Swagger module, bodies and replies from proto/ (the schemas the services enforce), security and
 * rate limits from the same metadata the guards read.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  controllers: Type[],
  publicUrl: string,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Berkas API')
    .setDescription(
      'Interagency document tracking and permit workflows. Sign in at `/api/v1/auth/login` and send the access ' +
        'token as `Authorization: Bearer …`. Lists are keyset-paginated the same way everywhere: `limit`, then the ' +
        "previous page's `nextCursor` as `after`. Errors are RFC 9457 problem documents.",
    )
    .setVersion(APP_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
  });
  document.components = {
    ...document.components,
    schemas: { ...protoComponents(), ...(BODY_SCHEMAS as Record<string, SchemaObject>), Problem: PROBLEM },
  };
  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as OperationObject[])
      if (op?.operationId) operations.set(op.operationId, op);
  }
  for (const controller of controllers) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const op = operations.get(operationId(controller.name, method));
      const facts = op && routeFacts(controller, method);
      if (op && facts) describe(op, facts);
    }
  }
  dropOperatorRoutes(document);
  document.components.schemas = reachableSchemas(document);
  return document;
}

/** /metrics and the liveness/readiness probes are for the orchestrator, not API users: no summary, no entry. */
function dropOperatorRoutes(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    const ops = item as Record<string, OperationObject>;
    for (const verb of Object.keys(ops)) if (ops[verb]?.operationId && !ops[verb].summary) delete ops[verb];
    if (!Object.values(ops).some((op) => op?.operationId)) delete document.paths[path];
  }
}

/** Only the schemas the routes use, directly or through other schemas (proto also holds NATS-only ones). */
function reachableSchemas(document: OpenAPIObject): Record<string, SchemaObject> {
  const all = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const keep = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const name = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '') : undefined;
      if (name && !keep.has(name)) {
        keep.add(name);
        visit(all[name]);
      } else visit(v);
    }
  };
  visit(document.paths);
  return Object.fromEntries(Object.entries(all).filter(([name]) => keep.has(name)));
}
