import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscardPolicy, RetentionPolicy, StorageType, type NatsConnection, type StreamConfig } from 'nats';
import { NatsEnv } from '@berkas/config';
import { NATS_CONNECTION } from './nats-connection';

const DAY_NS = 24 * 60 * 60 * 1e9;

/** The stream every domain event lands in. Deduplication by Nats-Msg-Id covers the relay's retries. */
export function eventStreamConfig(env: NatsEnv): Partial<StreamConfig> & { name: string } {
  return {
    name: env.eventsStream,
    subjects: ['evt.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: env.eventsReplicas,
    max_age: 90 * DAY_NS,
    duplicate_window: 10 * 60 * 1e9,
  };
}

/** Creates the event stream if missing, or brings its settings up to date; safe from every replica. */
export const ensureEventStream = (nc: NatsConnection, env: NatsEnv): Promise<void> =>
  ensureStream(nc, eventStreamConfig(env));

/** What a JetStream cluster answers while it elects its leaders: worth waiting out at start. */
const PASSING = /TIMEOUT|503|temporarily unavailable|no responders/i;
const WAIT_FOR_JETSTREAM_MS = 30_000;

/**
 * Creates a stream if missing, or brings its settings up to date; safe from every replica. A cluster
 * that has just started may not answer its JetStream API for a few seconds (no meta leader yet): the
 * service waits for it, up to WAIT_FOR_JETSTREAM_MS, instead of failing its start.
 */
export async function ensureStream(
  nc: NatsConnection,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  const until = Date.now() + WAIT_FOR_JETSTREAM_MS;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await ensureStreamOnce(nc, config);
    } catch (e) {
      if (!PASSING.test(String(e)) || Date.now() + pause > until) throw e;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

async function ensureStreamOnce(
  nc: NatsConnection,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    const info = await jsm.streams.info(config.name);
    const { name: _name, ...wanted } = config;
    const current: Record<string, unknown> = { ...info.config };
    if (Object.entries(wanted).some(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v))) {
      await jsm.streams.update(config.name, { ...info.config, ...wanted });
    }
  } catch (e) {
    if (!/stream not found/i.test(String(e))) throw e;
    try {
      await jsm.streams.add(config);
    } catch (raced) {
      if (!/already in use/i.test(String(raced))) throw raced;
    }
  }
}

@Injectable()
export class EventStream implements OnModuleInit {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly env: NatsEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureEventStream(this.nc, this.env);
    new Logger('EventStream').log(`stream ${this.env.eventsStream} ready`);
  }
}
