import type { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DatabaseEnv } from '@berkas/config';

export interface PostgresListenerOptions {
  /** Called with each notification's payload. */
  onNotify: (payload: string) => void;
  /** Called each time LISTEN is (re)established: notifications sent while away are lost, so catch up. */
  onListening?: () => void;
}

/**
 * LISTENs on a PostgreSQL channel on a dedicated connection and re-establishes it whenever it
 * drops (a database restart, a terminated backend), until stop() is called. NOTIFY is delivered
 * only after its transaction commits, which is what makes it a safe "something changed" signal.
 */
export class PostgresListener {
  private running = false;
  private client: Client | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: DatabaseEnv,
    private readonly channel: string,
    private readonly options: PostgresListenerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const client = new Client({ connectionString: `${this.db.url.replace(/\/$/, '')}/${this.db.name}` });
      try {
        await client.connect();
        this.client = client;
        client.on('notification', (n) => this.options.onNotify(n.payload ?? ''));
        await client.query(`LISTEN ${this.channel}`);
        this.options.onListening?.();
        await new Promise<void>((resolve) => {
          client.on('error', (e) => {
            this.logger.warn({ error: String(e) }, `LISTEN ${this.channel}: connection lost`);
            resolve();
          });
          client.on('end', () => resolve());
        });
      } catch (e) {
        if (this.running) this.logger.warn({ error: String(e) }, `LISTEN ${this.channel}: connection failed`);
      } finally {
        await client.end().catch(() => undefined);
      }
      if (this.running) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
