import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SignIns } from './sign-ins';

const EVERY_MS = 5 * 60_000;
const BATCH = 100;

/**
 * A session that ends by idling out leaves its sign-in behind, with a refresh token identity would
 * still honour for weeks. This ends those (revoking the tokens) a few minutes later, on whichever
 * replica gets there first; a sign-in younger than a minute may be waiting for its session's save.
 */
@Injectable()
export class SignInPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SignInPruner');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signIns: SignIns,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune().catch((e) => this.logger.warn(String(e))), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Ends the sign-ins no live session names; answers how many. */
  async prune(): Promise<number> {
    const orphans = (await this.dataSource.query(
      `SELECT id FROM sign_ins s
       WHERE (s.created_at < now() - interval '1 minute' OR s.refresh_expires_at < now())
         AND NOT EXISTS (SELECT 1 FROM sessions WHERE expire > now() AND sess->>'signInId' = s.id::text)
       LIMIT $1`,
      [BATCH],
    )) as Array<{ id: string }>;
    for (const { id } of orphans) await this.signIns.end(undefined, id);
    if (orphans.length) this.logger.log(`ended ${orphans.length} sign-in(s) whose session had ended`);
    return orphans.length;
  }
}
