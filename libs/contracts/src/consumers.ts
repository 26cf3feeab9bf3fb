import { CONSUMES } from './generated';

import type { TypedCloudEvent } from './cloud-event';
import type { EventSubject } from './generated';

type Declared = (typeof CONSUMES)[keyof typeof CONSUMES]['events'][number];
export type DurableName = Extract<Declared, { durable: string }>['durable'];
/** The events a durable consumer reads, as declared. */
export type FilterOf<N extends DurableName> = Extract<Declared, { durable: N }>['subject'];

/** The event subjects a filter matches: one subject, or all of a prefix (`evt.permits.>`). */
export type EventsMatching<F extends string> = F extends `${infer P}.>`
  ? Extract<EventSubject, `${P}.${string}`>
  : Extract<EventSubject, F>;

/** One event of any of `S`, its `data` typed by its `type` (check `type` and `data` follows). */
export type AnyCloudEvent<S extends EventSubject> = S extends EventSubject ? TypedCloudEvent<S> : never;

/**
 * A durable consumer as proto/ declares it (`consumes:` of its service): its name and the events it
 * reads. NATS permits a service to create and read exactly the consumers declared for it.
 */
export function durableConsumer<N extends DurableName>(name: N): { durable: N; filterSubject: FilterOf<N> } {
  for (const declared of Object.values(CONSUMES))
    for (const e of declared.events as readonly { subject: string; durable?: string }[])
      if (e.durable === name) return { durable: name, filterSubject: e.subject as FilterOf<N> };
  throw new Error(`no durable consumer ${name} in proto/`);
}

/** Whether an event is one a filter (`evt.tracking.handoff-changed`, `evt.permits.>`) matches, typed so. */
export function matchesFilter<F extends string>(
  event: AnyCloudEvent<EventSubject>,
  filter: F,
): event is AnyCloudEvent<EventsMatching<F>> {
  return filter.endsWith('.>') ? event.type.startsWith(filter.slice(0, -1)) : event.type === filter;
}
