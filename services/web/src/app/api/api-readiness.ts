import { Injectable } from '@nestjs/common';
import { WebEnv } from '@berkas/config';
import type { ReadinessCheck } from '@berkas/observability';

/**
 * The pages can serve people while the API answers at all: the gateway's own /health reports which
 * backends are down (each page says so when it needs one), so a 503 there still counts as reachable.
 */
@Injectable()
export class ApiReadiness implements ReadinessCheck {
  readonly name = 'api';

  constructor(private readonly env: WebEnv) {}

  async check(): Promise<void> {
    await fetch(`${this.env.apiUrl}/health`, { signal: AbortSignal.timeout(1500) });
  }
}
