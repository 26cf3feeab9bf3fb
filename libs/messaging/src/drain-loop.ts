import { Logger } from '@nestjs/common';

/**
 * Runs `drain` (work taken from a table until none is due) on a timer and whenever kicked, never twice
 * at once: a kick while it runs makes it run once more after, so work committed meanwhile is not left
 * for the timer. For outboxes of messages and the like, from any number of replicas (each drain takes
 * its rows with SKIP LOCKED).
 */
export class DrainLoop {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    name: string,
    private readonly drain: () => Promise<void>,
    private readonly everyMs: number,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.everyMs);
    this.timer.unref();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: unknown) => this.logger.error({ error: String(e) }, 'a round of work failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops the timer and waits for the round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
