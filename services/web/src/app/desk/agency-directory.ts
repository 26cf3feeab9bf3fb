import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import type { Agency, AgencyPage } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';

/** How long a region's agency list is reused: agencies are added or renamed a few times a year. */
const TTL_MS = 5 * 60_000;

/**
 * The agencies of the officer's region, for the forms that send a paper dossier somewhere (the
 * handoff form, the desk's bulk hand-off). Read through the API with the officer's token, kept a
 * few minutes per region so a desk page does not ask for the same list on every view.
 */
@Injectable()
export class AgencyDirectory {
  private readonly byRegion = new LRUCache<string, Agency[]>({ max: 100, ttl: TTL_MS });

  constructor(private readonly api: ApiClient) {}

  /** The active agencies an officer may send to: their region's, their own left out. */
  async addressees(req: Request, token: string): Promise<Agency[]> {
    const own = req.session.person?.seats?.[0]?.agencyCode;
    const region = req.session.person?.region;
    let agencies = region ? this.byRegion.get(region) : undefined;
    if (!agencies) {
      agencies = (await this.api.get<AgencyPage>(req, '/agencies?limit=100', token)).items;
      if (region) this.byRegion.set(region, agencies);
    }
    return agencies.filter((a) => a.active && a.code !== own);
  }
}
