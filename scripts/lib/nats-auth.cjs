// NATS users and their permissions, one per Berkas service, worked out from proto/: a service may
// answer only its own request subjects, call only the subjects that declare it among their callers
// (the gateway: those open to people or to anyone), publish only its own events and signals, and
// create and read only the consumers and streams its `consumes:` and `streams:` declare. Used by
// the scripts (development), the tests (private servers) and, through deploy/nats/authorization.conf,
// by production. CommonJS so scripts, tests and the deploy check can all load it.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const PROTO = join(__dirname, '..', '..', 'proto');
/** The services with a NATS user, in the order the configuration lists them. */
const SERVICES = ['gateway', 'identity', 'tracking', 'permits', 'notifications'];
/**
 * Plus one user that only reads the event stream: for an operator's audit, or another agency's
 * system consuming Berkas events (AsyncAPI). It answers, calls and publishes nothing.
 */
const USERS = [...SERVICES, 'auditor'];

function auditorPermissions({ stream = 'BERKAS_EVENTS' } = {}) {
  const js = (api) => `$JS.API.${api}`;
  return {
    publish: {
      allow: [
        js('INFO'),
        js(`STREAM.INFO.${stream}`),
        js(`CONSUMER.CREATE.${stream}.>`),
        js(`CONSUMER.DURABLE.CREATE.${stream}.*`),
        js(`CONSUMER.INFO.${stream}.*`),
        js(`CONSUMER.DELETE.${stream}.*`),
        js(`CONSUMER.MSG.NEXT.${stream}.*`),
        `$JS.ACK.${stream}.>`,
      ],
    },
    subscribe: { allow: ['_INBOX_auditor.>'] },
  };
}

function readProto(protoDir = PROTO) {
  const docs = readdirSync(protoDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(protoDir, f), 'utf8')) ?? {});
  const requests = Object.assign({}, ...docs.map((d) => d.requests ?? {}));
  const byService = Object.fromEntries(docs.filter((d) => d.service).map((d) => [d.service, d]));
  return { requests, byService };
}

const own = (service, list) => [...new Set(list)].sort();

/**
 * The permissions of `service`'s NATS user. `stream` is the events stream (EVENTS_STREAM).
 * JetStream is used through its API subjects, each allowed as narrowly as nats.js sends them.
 */
function permissionsFor(service, { stream = 'BERKAS_EVENTS', protoDir } = {}) {
  if (service === 'auditor') return auditorPermissions({ stream });
  const { requests, byService } = readProto(protoDir);
  const doc = byService[service] ?? {};
  const js = (api) => `$JS.API.${api}`;
  const publish = ['$JS.API.INFO'];
  const subscribe = [`_INBOX_${service}.>`];
  // Requests: answer your own; call what declares you (the gateway: what people and anyone may call).
  for (const [subject, spec] of Object.entries(requests)) {
    const callers = spec.callers ?? {};
    if (subject.startsWith(`${service}.`)) subscribe.push(subject);
    const mayCall =
      callers.services?.includes(service) ||
      callers.natsUser === service ||
      (service === 'gateway' && (callers.anonymous || callers.users?.length)) ||
      subject === 'identity.jwks.get'; // every service checks tokens against identity's keys
    if (mayCall && !subject.startsWith(`${service}.`)) publish.push(subject);
  }
  // Facts: publish your own events (JetStream) and signals; keep the event stream in shape (backends).
  if (Object.keys(doc.events ?? {}).length) {
    publish.push(`evt.${service}.>`);
    publish.push(...['STREAM.INFO', 'STREAM.CREATE', 'STREAM.UPDATE'].map((a) => js(`${a}.${stream}`)));
  }
  if (Object.keys(doc.signals ?? {}).length) publish.push(`sig.${service}.>`);
  // Consumers: durable ones by name, ordered ones (every replica reads) by what they filter.
  const consumes = doc.consumes ?? {};
  for (const e of consumes.events ?? []) {
    if (e.durable) {
      publish.push(
        js(`CONSUMER.CREATE.${stream}.${e.durable}.${e.subject}`),
        js(`CONSUMER.DURABLE.CREATE.${stream}.${e.durable}`),
        js(`CONSUMER.INFO.${stream}.${e.durable}`),
        js(`CONSUMER.MSG.NEXT.${stream}.${e.durable}`),
        `$JS.ACK.${stream}.${e.durable}.>`,
      );
    } else {
      publish.push(
        js(`STREAM.INFO.${stream}`),
        js(`CONSUMER.CREATE.${stream}.*.${e.subject}`),
        js(`CONSUMER.INFO.${stream}.*`),
        js(`CONSUMER.DELETE.${stream}.*`),
        js(`CONSUMER.MSG.NEXT.${stream}.*`),
      );
    }
  }
  for (const s of consumes.signals ?? []) subscribe.push(s.subject);
  // A service's own streams: it alone writes and reads them.
  for (const [name, spec] of Object.entries(doc.streams ?? {})) {
    publish.push(...spec.subjects);
    publish.push(
      ...['STREAM.INFO', 'STREAM.CREATE', 'STREAM.UPDATE'].map((a) => js(`${a}.${name}`)),
      js(`CONSUMER.CREATE.${name}.>`),
      js(`CONSUMER.INFO.${name}.*`),
      js(`CONSUMER.DELETE.${name}.*`),
      js(`CONSUMER.MSG.NEXT.${name}.*`),
    );
  }
  const answers = Object.keys(requests).some((s) => s.startsWith(`${service}.`));
  return {
    publish: { allow: own(service, publish) },
    subscribe: { allow: own(service, subscribe) },
    // A service that answers requests may reply to whoever asked (only to them, once).
    ...(answers ? { allow_responses: true } : {}),
  };
}

const quoted = (list) => list.map((s) => JSON.stringify(s)).join(', ');

/**
 * The `authorization { users = [...] }` block of a nats-server configuration. `password(service)`
 * gives each user's password as it should stand in the file: a literal (development, tests), or an
 * environment reference like `$GATEWAY_NATS_PASSWORD` (deploy/).
 */
function authorizationBlock(password, options = {}) {
  const users = USERS.map((service) => {
    const p = permissionsFor(service, options);
    return [
      `    {`,
      `      user: ${service}`,
      `      password: ${password(service)}`,
      `      permissions: {`,
      `        publish: { allow: [${quoted(p.publish.allow)}] }`,
      `        subscribe: { allow: [${quoted(p.subscribe.allow)}] }`,
      ...(p.allow_responses ? [`        allow_responses: true`] : []),
      `      }`,
      `    }`,
    ].join('\n');
  });
  return `authorization {\n  users = [\n${users.join('\n')}\n  ]\n}\n`;
}

module.exports = { SERVICES, USERS, permissionsFor, authorizationBlock };

/** The environment variable a deployment keeps each user's password in (deploy/). */
const passwordVariable = (user) => `${user.toUpperCase()}_NATS_PASSWORD`;
/** deploy/nats/authorization.conf: every password from the environment of the NATS server. */
const deployAuthorization = () =>
  `# Generated by \`node scripts/lib/nats-auth.cjs\` from proto/: regenerate, never edit. Each password\n` +
  `# comes from the NATS server's environment (${USERS.map(passwordVariable).join(', ')}).\n` +
  authorizationBlock((user) => `$${passwordVariable(user)}`);

module.exports.passwordVariable = passwordVariable;
module.exports.deployAuthorization = deployAuthorization;

if (require.main === module) process.stdout.write(deployAuthorization());
