import { CONSUMES } from './generated';

type Declared = (typeof CONSUMES)[keyof typeof CONSUMES]['events'][number];
export type DurableName = Extract<Declared, { durable: string }>['durable'];

/**
 * A durable consumer as proto/ declares it (`consumes:` of its service): its name and the events it
 * reads. NATS permits a service to create and read exactly the consumers declared for it.
 */
export function durableConsumer(name: DurableName): { durable: DurableName; filterSubject: string } {
  for (const declared of Object.values(CONSUMES))
    for (const e of declared.events as readonly { subject: string; durable?: string }[])
      if (e.durable === name) return { durable: name, filterSubject: e.subject };
  throw new Error(`no durable consumer ${name} in proto/`);
}
