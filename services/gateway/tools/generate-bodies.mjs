// Generates services/gateway/src/generated/bodies.ts from proto/*.yaml: one class-validator class per
// HTTP request body, so the gateway refuses bad input with field-level reasons before anything crosses
// NATS, and the OpenAPI document shows exactly the schema the services check. proto/ stays the one
// source of truth; the table below only says which message each route takes and which of its fields
// come from the path instead of the body.
import { readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * HTTP body class → [proto schema, fields the body does not take: those from the route's path, and
 * those only a service sets (a dossier's applicant, permit type and document rules)].
 */
const BODIES = {
  RegisterBody: ['RegisterRequest'],
  LoginBody: ['LoginRequest'],
  RefreshBody: ['RefreshRequest'],
  AddCompanyMemberBody: ['AddCompanyMemberRequest'],
  ConfirmRegistrationBody: ['ConfirmRegistrationRequest'],
  StartPasswordResetBody: ['StartPasswordResetRequest'],
  ResetPasswordBody: ['ResetPasswordRequest'],
  ChangePasswordBody: ['ChangePasswordRequest'],
  ClaimAccountBody: ['ClaimAccountRequest'],
  ResendClaimCodeBody: ['ResendClaimCodeRequest'],
  CounterVisitBody: ['CounterVisitRequest'],
  RegionBody: ['Region'],
  CreateAgencyBody: ['CreateAgencyRequest'],
  UpdateAgencyBody: ['UpdateAgencyRequest', ['id']],
  CreateUnitBody: ['CreateUnitRequest', ['agencyId']],
  CreateStaffBody: ['CreateStaffRequest'],
  UpdateStaffBody: ['UpdateStaffRequest', ['id']],
  CreateDelegationBody: ['CreateDelegationRequest'],
  CreateApplicationBody: ['CreateApplicationRequest'],
  LevyEstimateBody: ['LevyEstimateRequest', ['code']],
  UpdateApplicationBody: ['UpdateApplicationRequest', ['id']],
  RecordPaymentBody: ['RecordPaymentRequest', ['applicationId']],
  RevokePermitBody: ['RevokePermitRequest', ['applicationId']],
  SetCalendarDayBody: ['SetCalendarDayRequest', ['regionCode', 'date']],
  ReassignTaskBody: ['ReassignTaskRequest', ['id']],
  ActOnTaskBody: ['ActOnTaskRequest', ['id']],
  PublishWorkflowBody: ['PublishWorkflowRequest'],
  OpenDossierBody: [
    'OpenDossierRequest',
    ['applicantId', 'companyId', 'permitType', 'draft', 'documentRules'],
  ],
  CloseDossierBody: ['CloseDossierRequest', ['trackingNumber']],
  SendHandoffBody: ['SendHandoffRequest', ['trackingNumber']],
  ResolveHandoffBody: ['ResolveHandoffRequest', ['id']],
  RefuseHandoffBody: ['RefuseHandoffRequest', ['id']],
  UpdatePreferencesBody: ['UpdatePreferencesRequest'],
  WithdrawByLinkBody: ['WithdrawByLinkRequest'],
  SaveNoticeTemplateDraftBody: ['SaveNoticeTemplateDraftRequest', ['kind', 'language']],
  PublishNoticeTemplateBody: ['PublishNoticeTemplateRequest', ['kind', 'language']],
};

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = join(here, '../../../proto');
const outDir = join(here, '../src/generated');

const schemas = {};
for (const file of readdirSync(protoDir).filter((f) => f.endsWith('.yaml'))) {
  Object.assign(schemas, parse(readFileSync(join(protoDir, file), 'utf8'))?.schemas ?? {});
}
const refName = (ref) => ref.replace(/^#\/schemas\//, '');
const fail = (msg) => {
  console.error(`generate-bodies: ${msg}`);
  process.exit(1);
};

/** What a value that misses a pattern is told: what the format is, in the schema's own words. */
const patternMessage = (schema) =>
  schema.description && schema.description.length <= 100 ? `must be ${schema.description}` : undefined;

/** Follows $refs to scalar schemas (Uuid, RegionCode…) so their constraints become decorators. */
const resolve = (schema) => {
  if (!schema.$ref) return schema;
  const target = schemas[refName(schema.$ref)] ?? fail(`unknown schema ${schema.$ref}`);
  if (target.type === 'object') return schema;
  // A format's own description names it in the refusal ("must be 16 digits (NIK…)").
  const named = target.pattern ? { description: target.description } : {};
  return resolve({ ...target, ...schema, ...named, $ref: undefined });
};

const imports = new Set(['IsOptional']);
const contractTypes = new Set();
const use = (name) => (imports.add(name), name);
const nestedClasses = new Map(); // proto object schema → generated class name

/** class-validator decorators for one property; `each` for array items. */
function decorators(raw, each) {
  const schema = resolve(raw);
  const opt = each ? ', { each: true }' : '';
  const optOnly = each ? '{ each: true }' : '';
  if (schema.$ref) {
    const cls = classFor(refName(schema.$ref));
    imports.add('Type');
    return [`@${use('ValidateNested')}(${optOnly})`, `@Type(() => ${cls})`];
  }
  const types = [].concat(schema.type ?? []).filter((t) => t !== 'null');
  const out = [];
  if (schema.enum) return [`@${use('IsIn')}(${JSON.stringify(schema.enum)}${opt})`];
  if (schema.const !== undefined) return [`@${use('Equals')}(${JSON.stringify(schema.const)}${opt})`];
  switch (types[0]) {
    case 'string':
      if (schema.format === 'uuid') out.push(`@${use('IsUUID')}('all'${opt})`);
      else if (schema.format === 'email') out.push(`@${use('IsEmail')}({}${opt})`);
      else if (schema.format === 'date-time') out.push(`@${use('IsISO8601')}({ strict: true }${opt})`);
      else if (schema.format === 'date')
        out.push(
          `@${use('Matches')}(/^\\d{4}-\\d{2}-\\d{2}$/, { message: '$property must be a date (YYYY-MM-DD)'${each ? ', each: true' : ''} })`,
        );
      else out.push(`@${use('IsString')}(${optOnly})`);
      if (schema.minLength !== undefined) out.push(`@${use('MinLength')}(${schema.minLength}${opt})`);
      if (schema.maxLength !== undefined) out.push(`@${use('MaxLength')}(${schema.maxLength}${opt})`);
      if (schema.pattern) {
        const message = patternMessage(schema);
        const options = [
          message && `message: ${JSON.stringify(`$property ${message}`)}`,
          each && 'each: true',
        ]
          .filter(Boolean)
          .join(', ');
        out.push(
          `@${use('Matches')}(/${schema.pattern.replace(/\//g, '\\/')}/${options ? `, { ${options} }` : ''})`,
        );
      }
      return out;
    case 'integer':
    case 'number':
      out.push(types[0] === 'integer' ? `@${use('IsInt')}(${optOnly})` : `@${use('IsNumber')}({}${opt})`);
      if (schema.minimum !== undefined) out.push(`@${use('Min')}(${schema.minimum}${opt})`);
      if (schema.maximum !== undefined) out.push(`@${use('Max')}(${schema.maximum}${opt})`);
      return out;
    case 'boolean':
      return [`@${use('IsBoolean')}(${optOnly})`];
    case 'object':
      return [`@${use('IsObject')}(${optOnly})`];
    case 'array': {
      if (each) fail('arrays of arrays are not supported');
      out.push(`@${use('IsArray')}()`);
      if (schema.minItems !== undefined) out.push(`@${use('ArrayMinSize')}(${schema.minItems})`);
      if (schema.maxItems !== undefined) out.push(`@${use('ArrayMaxSize')}(${schema.maxItems})`);
      if (schema.uniqueItems) out.push(`@${use('ArrayUnique')}()`);
      return [...out, ...decorators(schema.items, true)];
    }
    default:
      return fail(`cannot express ${JSON.stringify(raw)} with class-validator`);
  }
}

function tsType(raw) {
  const schema = resolve(raw);
  if (schema.$ref) return classFor(refName(schema.$ref));
  const nullable = [].concat(schema.type ?? []).includes('null') ? ' | null' : '';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ') + nullable;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = [].concat(schema.type).find((t) => t !== 'null');
  const base = {
    string: 'string',
    integer: 'number',
    number: 'number',
    boolean: 'boolean',
    object: 'Record<string, unknown>',
  }[type];
  if (type === 'array') return `Array<${tsType(schema.items)}>${nullable}`;
  // A map (workflow stages by name) is checked as an object here and in full by proto's schema,
  // which the service client applies before the request leaves: its values keep proto's type.
  if (type === 'object' && schema.additionalProperties?.$ref) {
    const value = refName(schema.additionalProperties.$ref);
    contractTypes.add(value);
    return `Record<string, ${value}>${nullable}`;
  }
  return (base ?? fail(`no TypeScript type for ${JSON.stringify(raw)}`)) + nullable;
}

const classes = [];
function emitClass(name, protoName, omit = []) {
  const schema = schemas[protoName] ?? fail(`unknown proto schema ${protoName}`);
  if (schema.type !== 'object' || !schema.properties) fail(`${protoName} is not an object schema`);
  const required = new Set(schema.required ?? []);
  const lines = [
    `/** proto \`${protoName}\`${omit.length ? `, without ${omit.join(', ')} (from the path)` : ''}. */`,
  ];
  lines.push(`export class ${name} {`);
  for (const [prop, propSchema] of Object.entries(schema.properties)) {
    if (omit.includes(prop)) continue;
    if (propSchema.description) lines.push(`  /** ${propSchema.description} */`);
    const nullable = [].concat(resolve(propSchema).type ?? []).includes('null');
    if (!required.has(prop)) lines.push(`  @IsOptional()`);
    else if (nullable) lines.push(`  @${use('ValidateIf')}((o: ${name}) => o.${prop} !== null)`);
    // class-validator checks the bottom decorator first: the type check goes last so that, with
    // stopAtFirstError, a number sent for a string is reported as the wrong type, not as too long.
    for (const d of decorators(propSchema, false).reverse()) lines.push(`  ${d}`);
    lines.push(`  ${prop}${required.has(prop) ? '!' : '?'}: ${tsType(propSchema)};`, '');
  }
  lines.pop();
  lines.push('}', '');
  classes.push(lines.join('\n'));
  const bodySchema = {
    ...schema,
    properties: Object.fromEntries(Object.entries(schema.properties).filter(([p]) => !omit.includes(p))),
  };
  const req = (schema.required ?? []).filter((r) => !omit.includes(r));
  if (req.length) bodySchema.required = req;
  else delete bodySchema.required;
  bodySchemas[name] = bodySchema;
}

function classFor(protoName) {
  if (!nestedClasses.has(protoName)) {
    const name = `${protoName}Body`;
    nestedClasses.set(protoName, name);
    emitClass(name, protoName);
    delete bodySchemas[name]; // the document refers to the proto schema itself
  }
  return nestedClasses.get(protoName);
}

const bodySchemas = {};
for (const [name, [protoName, omit]] of Object.entries(BODIES)) emitClass(name, protoName, omit);

// Refs inside body schemas point at the proto schemas, which the OpenAPI document carries as components.
const toComponentRefs = (node) => {
  if (Array.isArray(node)) return node.map(toComponentRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' ? `#/components/schemas/${refName(v)}` : toComponentRefs(v),
    ]),
  );
};

const validators = [...imports].filter((i) => i !== 'Type').sort();
const source = [
  '// Generated from proto/ by services/gateway/tools/generate-bodies.mjs. Do not edit.',
  '/* eslint-disable */',
  ...(imports.has('Type') ? ["import { Type } from 'class-transformer';"] : []),
  `import { ${validators.join(', ')} } from 'class-validator';`,
  ...(contractTypes.size
    ? [`import type { ${[...contractTypes].sort().join(', ')} } from '@berkas/contracts';`]
    : []),
  '',
  ...classes,
  '/** JSON Schema of every body class, for the OpenAPI document (refs point at its components). */',
  `export const BODY_SCHEMAS: Record<string, object> = ${JSON.stringify(toComponentRefs(bodySchemas), null, 2)};`,
  '',
].join('\n');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'bodies.ts'), source);
console.log(`gateway: ${Object.keys(bodySchemas).length} HTTP body classes from proto/`);
