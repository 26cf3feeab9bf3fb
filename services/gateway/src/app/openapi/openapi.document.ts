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
import { REQUESTS, SCHEMAS } from '@berkas/contracts';
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

const problem = (description: string, headers?: ResponseObject['headers']): ResponseObject => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
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

interface RouteFacts {
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
  if (calls?.idempotent) {
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
    op.responses['422'] = problem('the Idempotency-Key was already used for a different request');
  }
  op.responses['400'] = problem('the request is malformed or a field is invalid (see `errors`)');
  if (facts.isPublic) {
    op.security = [];
  } else {
    op.security = [{ bearer: [] }];
    op.responses['401'] = problem('no valid access token');
    op.responses['403'] = problem(
      facts.roles
        ? `allowed to officers with role ${facts.roles.join(', ')} only`
        : 'not allowed to this principal',
    );
    if (facts.roles) op.description = `Roles: ${facts.roles.join(', ')}.`;
  }
  if (op.parameters?.some((p) => 'in' in p && p.in === 'path')) op.responses['404'] = problem('not found');
  if (facts.rateLimit || !facts.isPublic) {
    const who = [
      ...(facts.rateLimit ? [`${facts.rateLimit} from this client`] : []),
      ...(facts.isPublic ? [] : ['requests from this account']),
    ];
    op.responses['429'] = problem(`too many ${who.join(' or ')} this minute`, RATE_LIMITED);
  }
  op.responses['503'] = problem(
    'a service did not answer in time or is down; safe to retry later',
    RETRY_AFTER,
  );
}

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
