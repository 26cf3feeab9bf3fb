import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { NatsConnection } from 'nats';
import { GatewayHttpEnv } from '@berkas/config';
import { validateSignal, type PublicView } from '@berkas/contracts';
import { NATS_CONNECTION, ServiceClient } from '@berkas/messaging';

const CHANGED = 'sig.tracking.public-view-changed';
/** About 1 KB a view: the cache stays under ~20 MB however many numbers are looked up. */
const MAX_ENTRIES = 20_000;

/** Spacing, hyphens and case do not matter in a typed number; the cache keys on what is left. */
const compact = (trackingNumber: string) => trackingNumber.toUpperCase().replace(/[\s-]/g, '');

/**
 * Public views kept in memory, so the city's most frequent request ("where is my file?") mostly
 * skips the NATS round trip and tracking's query. Tracking signals every committed change of a
 * dossier and the entry is dropped at once; the TTL (the max-age HTTP caches are already allowed)
 * bounds the damage of a lost signal, and a NATS reconnect, when signals may have been missed,
 * empties the cache. Concurrent lookups of one number share one request.
 */
@Injectable()
export class PublicViewCache implements OnApplicationBootstrap {
  private readonly logger = new Logger('PublicViewCache');
  private readonly views: LRUCache<string, PublicView> | null;
  /**
   * Lookups under way. A change removes its number's entry, so a lookup still listed when its answer
   * arrives did not race a change, and only such an answer is stored.
   */
  private readonly inFlight = new Map<string, Promise<PublicView>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly tracking: ServiceClient,
    env: GatewayHttpEnv,
  ) {
    const ttl = env.publicViewCacheSeconds * 1000;
    this.views = ttl ? new LRUCache({ max: MAX_ENTRIES, ttl }) : null;
  }

  onApplicationBootstrap(): void {
    if (!this.views) return;
    // Closed with the connection when the gateway shuts down.
    this.nc.subscribe(CHANGED, {
      callback: (err, msg) => {
        if (err) return;
        try {
          this.evict(validateSignal(CHANGED, msg.json()).trackingNumber);
        } catch (e) {
          this.logger.warn({ error: String(e) }, 'ignored a malformed public-view signal');
        }
      },
    });
    void this.clearOnReconnect();
  }

  /** The public view of a dossier by its number as typed: from memory when it is there, else asked of tracking. */
  async lookup(trackingNumber: string): Promise<PublicView> {
    const load = () => this.tracking.request('tracking.dossiers.public-view', { trackingNumber });
    if (!this.views) return load();
    const key = compact(trackingNumber);
    const cached = this.views.get(key);
    if (cached) return cached;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup: Promise<PublicView> = load()
      .then((view) => {
        // Only a number typed in its canonical letters is cached under the key its signals use.
        if (this.inFlight.get(key) === lookup && compact(view.trackingNumber) === key)
          this.views?.set(key, view);
        return view;
      })
      .finally(() => {
        if (this.inFlight.get(key) === lookup) this.inFlight.delete(key);
      });
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private evict(trackingNumber: string): void {
    const key = compact(trackingNumber);
    this.views?.delete(key);
    this.inFlight.delete(key); // asked before the change: neither shared with later callers nor stored
  }

  private clear(): void {
    this.views?.clear();
    this.inFlight.clear();
  }

  private async clearOnReconnect(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'reconnect') this.clear();
    }
  }
}
