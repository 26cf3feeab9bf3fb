// Generates libs/contracts/src/generated from proto/*.yaml: TypeScript types for every schema,
// typed maps of request and event subjects, and the schemas themselves for runtime validation.
// Run through Nx (`nx run contracts:generate`); every build, lint and test depends on it.
import { readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compile } from 'json-schema-to-typescript';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = join(here, '../../../proto');
const outDir = join(here, '../src/generated');
const BANNER =
  '// Generated from proto/ by libs/contracts/tools/generate.mjs. Do not edit.\n/* eslint-disable */\n';

const problems = [];
const schemas = {};
const requests = {};
const events = {};
const signals = {};
/** What each service consumes (events by subject, durable consumers by name; signals) and its own streams. */
const consumes = {};
const streams = {};
/** The error catalogue (proto/errors.yaml): code → its one status and what it means. */
let errors = {};
let headers = {};

for (const file of readdirSync(protoDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const doc = parse(readFileSync(join(protoDir, file), 'utf8')) ?? {};
  for (const [name, schema] of Object.entries(doc.schemas ?? {})) {
    if (schemas[name]) problems.push(`${file}: schema ${name} is declared twice`);
    schemas[name] = schema;
  }
  if (doc.headers) headers = { ...headers, ...doc.headers };
  if (doc.errors) errors = { ...errors, ...doc.errors };
  const service = doc.service;
  for (const [subject, spec] of Object.entries(doc.requests ?? {})) {
    if (!subject.startsWith(`${service}.`))
      problems.push(`${file}: request subject ${subject} must start with "${service}."`);
    requests[subject] = { service, ...spec };
  }
  for (const [subject, spec] of Object.entries(doc.events ?? {})) {
    if (!subject.startsWith(`evt.${service}.`))
      problems.push(`${file}: event subject ${subject} must start with "evt.${service}."`);
    events[subject] = { service, ...spec };
  }
  if (service)
    consumes[service] = { events: doc.consumes?.events ?? [], signals: doc.consumes?.signals ?? [] };
  for (const [name, spec] of Object.entries(doc.streams ?? {})) streams[name] = { service, ...spec };
  for (const [subject, spec] of Object.entries(doc.signals ?? {})) {
    if (!subject.startsWith(`sig.${service}.`))
      problems.push(`${file}: signal subject ${subject} must start with "sig.${service}."`);
    signals[subject] = { service, ...spec };
  }
}

const need = (name, where) => {
  if (!schemas[name]) problems.push(`${where} refers to unknown schema ${name}`);
};
// Every request subject says who may call it: anonymous callers, signed-in users (applicants,
// officers, or officers with a role), named services, or (for a service's own credentials) only
// that service's NATS user. The RPC layer enforces it before a handler runs.
const USER_KINDS = ['applicant', 'staff'];
const checkCallers = (subject, callers) => {
  const where = `request ${subject}: callers`;
  if (!callers || typeof callers !== 'object') return problems.push(`${where} must be declared`);
  const roles = schemas.StaffRole?.enum ?? [];
  const services = schemas.ServiceName?.enum ?? [];
  for (const key of Object.keys(callers))
    if (!['anonymous', 'users', 'services', 'natsUser'].includes(key))
      problems.push(`${where}: unknown key ${key}`);
  if ('anonymous' in callers && callers.anonymous !== true)
    problems.push(`${where}: anonymous may only be true`);
  for (const u of callers.users ?? [])
    if (!USER_KINDS.includes(u) && !roles.includes(u))
      problems.push(`${where}: ${u} is no user kind or staff role`);
  for (const svc of [...(callers.services ?? []), ...(callers.natsUser ? [callers.natsUser] : [])])
    if (!services.includes(svc)) problems.push(`${where}: ${svc} is no service`);
  if (!callers.anonymous && !callers.users?.length && !callers.services?.length && !callers.natsUser)
    problems.push(`${where}: names nobody`);
};
for (const [s, r] of Object.entries(requests)) {
  need(r.request, `request ${s}`);
  need(r.reply, `reply of ${s}`);
  checkCallers(s, r.callers);
  for (const code of r.errors ?? [])
    if (!errors[code]) problems.push(`request ${s}: error ${code} is not in proto/errors.yaml`);
  if ('idempotent' in r && r.idempotent !== true) problems.push(`request ${s}: idempotent may only be true`);
}
for (const [code, e] of Object.entries(errors))
  if (
    !/^[A-Z][A-Z0-9_]+$/.test(code) ||
    !Number.isInteger(e.status) ||
    e.status < 400 ||
    e.status > 599 ||
    typeof e.summary !== 'string' ||
    Object.keys(e).sort().join() !== 'status,summary'
  )
    problems.push(`error ${code}: needs a status 400-599 and a summary (quote a summary holding a comma)`);
// The wire's error codes are the catalogue's.
schemas.ErrorCode = { type: 'string', enum: Object.keys(errors), description: 'a code of proto/errors.yaml' };
for (const [s, e] of Object.entries(events)) need(e.data, `event ${s}`);
// A consumer names events (or a wildcard over one service's events) and signals that exist.
const durables = new Set();
const matches = (pattern, subject) =>
  pattern.endsWith('.>') ? subject.startsWith(pattern.slice(0, -1)) : pattern === subject;
for (const [service, c] of Object.entries(consumes)) {
  for (const e of c.events) {
    if (!Object.keys(events).some((s) => matches(e.subject, s)))
      problems.push(`${service} consumes ${e.subject}, which matches no event`);
    if (e.durable && durables.has(e.durable))
      problems.push(`durable consumer ${e.durable} is declared twice`);
    if (e.durable) durables.add(e.durable);
  }
  for (const sig of c.signals)
    if (!signals[sig.subject]) problems.push(`${service} consumes ${sig.subject}, which is no signal`);
}
for (const [s, e] of Object.entries(signals)) need(e.data, `signal ${s}`);

// Object schemas must say whether extra properties are allowed: silence is how fields slip through.
const walk = (schema, path) => {
  if (!schema || typeof schema !== 'object') return;
  if (schema.type === 'object' && schema.properties && !('additionalProperties' in schema)) {
    problems.push(`${path}: object schema must declare additionalProperties`);
  }
  for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v, `${path}.${k}`);
  if (schema.items) walk(schema.items, `${path}[]`);
};
for (const [name, schema] of Object.entries(schemas)) walk(schema, name);

// Everything a service reads from outside (requests, events, signals) is bounded in its schema: a
// string has a maxLength (uuids, dates and timestamps bound themselves), a number a minimum and a
// maximum, an array maxItems, so no caller can make a service hold more than it means to.
const refName = (ref) => ref.replace(/^#\/(schemas|definitions)\//, '');
const reachable = (names) => {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && !seen.has(refName(v))) {
        seen.add(refName(v));
        visit(schemas[refName(v)]);
      } else if (k !== '$ref') visit(v);
    }
  };
  for (const name of names) {
    seen.add(name);
    visit(schemas[name]);
  }
  return seen;
};
const SELF_BOUNDED_FORMATS = ['uuid', 'date', 'date-time'];
const checkBounds = (node, path) => {
  if (Array.isArray(node)) return node.forEach((n, i) => checkBounds(n, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return;
  const types = [node.type ?? []].flat();
  const fixed = 'enum' in node || 'const' in node;
  if (
    types.includes('string') &&
    !fixed &&
    node.maxLength === undefined &&
    !SELF_BOUNDED_FORMATS.includes(node.format)
  )
    problems.push(`${path}: a string read from outside needs a maxLength`);
  const number = types.includes('integer') || types.includes('number');
  const lower = node.minimum ?? node.exclusiveMinimum;
  const upper = node.maximum ?? node.exclusiveMaximum;
  if (number && !fixed && (lower === undefined || upper === undefined))
    problems.push(`${path}: a number read from outside needs a minimum and a maximum`);
  if (types.includes('array') && node.maxItems === undefined)
    problems.push(`${path}: an array read from outside needs maxItems`);
  for (const [k, v] of Object.entries(node)) if (typeof v === 'object') checkBounds(v, `${path}/${k}`);
};
const inputs = reachable([
  'CloudEvent', // every event's envelope
  ...Object.values(requests).map((r) => r.request),
  ...Object.values(events).map((e) => e.data),
  ...Object.values(signals).map((e) => e.data),
]);
for (const name of inputs) if (schemas[name]) checkBounds(schemas[name], name);

if (problems.length) {
  console.error(`proto/ has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

// Local refs are written as "#/schemas/Name" or bare names in proto; normalise to definitions.
const rewriteRefs = (node) => {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string'
        ? `#/definitions/${v.replace(/^#\/schemas\//, '')}`
        : rewriteRefs(v);
  }
  return out;
};
const definitions = Object.fromEntries(
  Object.entries(schemas).map(([name, s]) => [name, { title: name, ...rewriteRefs(s) }]),
);

// Compile every schema now, strictly, so a typo in proto/ fails the build rather than a request.
const ajv = addFormats(new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }));
ajv.addSchema({ $id: 'berkas', definitions });
for (const name of Object.keys(definitions)) {
  try {
    ajv.getSchema(`berkas#/definitions/${name}`);
  } catch (e) {
    problems.push(`schema ${name}: ${e.message}`);
  }
}
if (problems.length) {
  console.error(`proto/ has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

const root = {
  title: 'AllContracts',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.keys(definitions).map((n) => [n, { $ref: `#/definitions/${n}` }])),
  definitions,
};
let types = await compile(root, 'AllContracts', {
  bannerComment: '',
  additionalProperties: false,
  unreachableDefinitions: true,
  ignoreMinAndMaxItems: true,
  format: true,
});
types = types
  .replace(/export interface AllContracts \{[\s\S]*?\n\}\n/, '')
  .replace(/\/\*\*\n \* This interface was referenced by[\s\S]*?\*\/\n/g, '');

const lit = (v) => JSON.stringify(v);
/** The subject table and the subject-to-type map of subjects that carry one `data` schema each. */
const dataSubjects = (constName, mapName, subjects, doc) => [
  `/** ${doc} */`,
  `export const ${constName} = {`,
  ...Object.entries(subjects).map(
    ([s, e]) =>
      `  ${lit(s)}: { service: ${lit(e.service)}, data: ${lit(e.data)}, summary: ${lit(e.summary ?? '')} },`,
  ),
  `} as const;\n`,
  `export interface ${mapName} {`,
  ...Object.entries(subjects).map(([s, e]) => `  ${lit(s)}: T.${e.data};`),
  `}\n`,
];
const subjectsTs = [
  BANNER,
  `import type * as T from './types';\n`,
  `/** NATS header names shared by every service. */`,
  `export const HEADERS = ${lit(headers)} as const;\n`,
  `/** Request/reply subjects with their owner and message schemas. */`,
  `export const REQUESTS = {`,
  ...Object.entries(requests).map(
    ([s, r]) =>
      `  ${lit(s)}: { service: ${lit(r.service)}, request: ${lit(r.request)}, reply: ${lit(r.reply)}, callers: ${lit(r.callers)}, errors: ${lit(r.errors ?? [])}, idempotent: ${lit(r.idempotent === true)}, summary: ${lit(r.summary ?? '')} },`,
  ),
  `} as const;\n`,
  `export interface RequestMap {`,
  ...Object.entries(requests).map(
    ([s, r]) => `  ${lit(s)}: { request: T.${r.request}; reply: T.${r.reply} };`,
  ),
  `}\n`,
  ...dataSubjects(
    'EVENTS',
    'EventMap',
    events,
    'Durable event subjects (JetStream) with the schema of their CloudEvents data.',
  ),
  ...dataSubjects(
    'SIGNALS',
    'SignalMap',
    signals,
    'Signals: at-most-once hints on core NATS (e.g. "drop your cached copy"), never relied on alone.',
  ),
  `/** Every error code, with the one HTTP status it always has (proto/errors.yaml). */`,
  `export const ERRORS = ${lit(errors)} as const;\n`,
  `/** Every enumeration proto/ declares as a schema of its own, once (StaffRole, DocumentKind…). */`,
  `export const ENUMS = {`,
  ...Object.entries(schemas)
    .filter(([, schema]) => Array.isArray(schema.enum))
    .map(([name, schema]) => `  ${name}: ${lit(schema.enum)},`),
  `} as const;\n`,
  `/** What each service consumes on the bus: events (durable consumers by name, or read by every replica) and signals. */`,
  `export const CONSUMES = ${lit(consumes)} as const;\n`,
  `/** Streams a service keeps for itself. */`,
  `export const STREAMS = ${lit(streams)} as const;\n`,
  `export type RequestSubject = keyof RequestMap;`,
  `export type EventSubject = keyof EventMap;`,
  `export type SignalSubject = keyof SignalMap;`,
  `export type SchemaName = keyof typeof SCHEMAS;\n`,
  `/** JSON Schemas (draft-07) of every message shape, for runtime validation. */`,
  `export const SCHEMAS = ${JSON.stringify(definitions, null, 2)} as const;\n`,
].join('\n');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'types.ts'), BANNER + types);
writeFileSync(join(outDir, 'subjects.ts'), subjectsTs);
writeFileSync(join(outDir, 'index.ts'), `${BANNER}export * from './types';\nexport * from './subjects';\n`);
console.log(
  `contracts: ${Object.keys(schemas).length} schemas, ${Object.keys(requests).length} request subjects, ${Object.keys(events).length} event subjects, ${Object.keys(signals).length} signal subjects`,
);
