import { Controller, Get, Param, Query } from '@nestjs/common';
import { OFFICER_ROLES, Roles } from '@berkas/auth';
import type { Agency, AgencyPage } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { Calls } from '../openapi/calls.decorator';
import { uuidParam } from '../validation/validation.pipe';
import { AgencyListQuery } from '../validation/list-query.dto';

/**
 * The agency directory, for every officer: a handoff is addressed by the receiving agency's id, so
 * whoever sends one must be able to find it (by name in the list, or by its region and code).
 * Officers see the agencies of their own region; managing them stays under /admin.
 */
@Controller('api/v1')
@Roles(...OFFICER_ROLES)
export class DirectoryController {
  constructor(private readonly identity: ServiceClient) {}

  @Get('agencies')
  @Calls('identity.agencies.list')
  list(@Query() query: AgencyListQuery): Promise<AgencyPage> {
    return this.identity.request('identity.agencies.list', { ...query });
  }

  @Get('agencies/:id')
  @Calls('identity.agencies.get')
  get(@Param('id', uuidParam()) agencyId: string): Promise<Agency> {
    return this.identity.request('identity.agencies.get', { id: agencyId });
  }

  @Get('regions/:regionCode/agencies/:code')
  @Calls('identity.agencies.get', { summary: 'An agency by its region and code, e.g. 3271 and DPUPR.' })
  byCode(@Param('regionCode') regionCode: string, @Param('code') code: string): Promise<Agency> {
    return this.identity.request('identity.agencies.get', { regionCode, code });
  }
}
