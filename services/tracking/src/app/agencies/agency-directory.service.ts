import { Injectable } from '@nestjs/common';
import { AppError, type AgencyRef } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';

/**
 * Agencies as identity knows them, asked over NATS with the caller's token, so an officer can only
 * name agencies they may see. Snapshots are stored with dossiers: history shows the name at the time.
 */
@Injectable()
export class AgencyDirectory {
  constructor(private readonly identity: ServiceClient) {}

  /** The agency as of now; with `unitId`, that unit must be one of the agency's. */
  async snapshot(agencyId: string, field: string, unitId?: string): Promise<AgencyRef> {
    try {
      const a = await this.identity.request('identity.agencies.get', { id: agencyId });
      if (!a.active) throw AppError.invalid(field, 'is not an active agency');
      if (unitId && !a.units.some((u) => u.id === unitId))
        throw AppError.invalid('/holderUnitId', 'is not a unit of that agency');
      return { id: a.id, code: a.code, name: a.name, regionCode: a.regionCode };
    } catch (e) {
      if (e instanceof AppError && e.status === 404)
        throw AppError.invalid(field, 'is not an agency you can reach');
      throw e;
    }
  }
}
