import { randomUUID } from 'node:crypto';
import type { CloudEvent, EventMap, EventSubject } from './generated';
import { validateEventData } from './validation';

export type TypedCloudEvent<S extends EventSubject> = Omit<CloudEvent, 'data' | 'type'> & {
  type: S;
  data: EventMap[S];
};

/** Builds a CloudEvents 1.0 envelope after checking its data against the event's schema. */
export function cloudEvent<S extends EventSubject>(
  type: S,
  data: EventMap[S],
  options: { source: string; subject?: string; id?: string; time?: Date },
): TypedCloudEvent<S> {
  validateEventData(type, data);
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: options.source,
    type,
    ...(options.subject ? { subject: options.subject } : {}),
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}
