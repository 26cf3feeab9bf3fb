import { APP_VERSION } from '@berkas/config';
import { EVENTS, SCHEMAS, SIGNALS } from '@berkas/contracts';

type Json = Record<string, unknown>;

/** proto's refs point at `#/definitions/`; AsyncAPI's at its components. */
function withComponentRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withComponentRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' ? String(v).replace('#/definitions/', '#/components/schemas/') : withComponentRefs(v),
    ]),
  );
}

const ref = (to: string) => ({ $ref: to });

/** One channel, its message and the operation that sends it, for an event or a signal. */
function describe(
  subject: string,
  spec: { service: string; data: string; summary: string },
  kind: 'event' | 'signal',
): { channel: Json; message: Json; operation: Json } {
  const payload =
    kind === 'event'
      ? {
          description: 'a CloudEvent 1.0 in structured mode; `data` holds the event itself',
          allOf: [
            ref('#/components/schemas/CloudEvent'),
            {
              type: 'object',
              properties: {
                type: { const: subject },
                source: { const: `/berkas/${spec.service}` },
                data: ref(`#/components/schemas/${spec.data}`),
              },
            },
          ],
        }
      : ref(`#/components/schemas/${spec.data}`);
  return {
    channel: {
      address: subject,
      title: subject,
      description:
        kind === 'event'
          ? `${spec.summary} Kept in the JetStream stream BERKAS_EVENTS.`
          : `${spec.summary} Core NATS, not kept: only who listens at that moment hears it.`,
      messages: { [subject]: ref(`#/components/messages/${subject}`) },
    },
    message: {
      name: subject,
      title: spec.summary,
      contentType: 'application/json',
      ...(kind === 'event'
        ? {
            headers: {
              type: 'object',
              properties: {
                'Nats-Msg-Id': {
                  type: 'string',
                  format: 'uuid',
                  description: "the CloudEvent's id; JetStream drops a repeat within ten minutes",
                },
              },
            },
          }
        : {}),
      payload,
    },
    operation: {
      action: 'send',
      title: `${spec.service} sends ${subject}`,
      summary: spec.summary,
      channel: ref(`#/channels/${subject}`),
      messages: [ref(`#/channels/${subject}/messages/${subject}`)],
    },
  };
}

/**
 * The AsyncAPI 3 document of what Berkas announces on NATS, built from proto/ like the OpenAPI
 * document: every event (durable, in JetStream) and signal (fleeting) with its payload, so another
 * agency's system can consume them without reading code. No server addresses: those are the
 * deployment's, and its operator hands them out with a read-only NATS user.
 */
export function buildAsyncApiDocument(): Json {
  const described = [
    ...Object.entries(EVENTS).map(([s, spec]) => [s, describe(s, spec, 'event')] as const),
    ...Object.entries(SIGNALS).map(([s, spec]) => [s, describe(s, spec, 'signal')] as const),
  ];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Berkas events',
      version: APP_VERSION,
      description:
        'What the Berkas services announce on NATS. Events (`evt.<service>.<what>`) are CloudEvents kept ' +
        'for 90 days in the replicated JetStream stream BERKAS_EVENTS: read them with a durable consumer ' +
        'and acknowledge each; redelivery after a crash is normal, so handle an event id once. Ask the ' +
        "deployment's operator for the NATS address and a read-only user (`auditor` in deploy/nats). " +
        'Signals (`sig.<service>.<what>`) are core NATS hints between Berkas services.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(described.map(([s, d]) => [s, d.channel])),
    operations: Object.fromEntries(described.map(([s, d]) => [s, d.operation])),
    components: {
      messages: Object.fromEntries(described.map(([s, d]) => [s, d.message])),
      schemas: withComponentRefs(schemasUsedBy(described.map(([, d]) => d.message))),
    },
  };
}

/** The proto schemas the messages refer to, directly or through others (proto also holds requests). */
function schemasUsedBy(messages: Json[]): Json {
  const all: Record<string, unknown> = SCHEMAS;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const name = k === '$ref' ? String(v).split('/').pop() : undefined;
      if (name && name in all && !used.has(name)) {
        used.add(name);
        visit(all[name]);
      } else if (k !== '$ref') visit(v);
    }
  };
  visit(messages);
  return Object.fromEntries([...used].sort().map((name) => [name, all[name]]));
}
