import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '@berkas/auth';
import type {
  Agency,
  AgencyPage,
  CreateAgencyRequest,
  CreateDelegationRequest,
  CreateStaffRequest,
  CreateUnitRequest,
  Delegation,
  KeyRotated,
  Region,
  Staff,
  StaffHistory,
  StaffPage,
  Unit,
  UpdateAgencyRequest,
  UpdateStaffRequest,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { AgencyListQuery, StaffListQuery } from '../validation/list-query.dto';

const id = new ParseUUIDPipe({ version: '4' });

/**
 * Managing regions, agencies, units, officers and delegations. The gateway lets admins through;
 * identity decides which agency each may touch (an agency-admin their own, a system-admin all).
 */
@Controller('api/v1/admin')
@Roles('agency-admin', 'system-admin')
export class AdminController {
  constructor(private readonly identity: ServiceClient) {}

  @Post('regions')
  @Roles('system-admin')
  createRegion(@Body() body: Region): Promise<Region> {
    return this.identity.request('identity.regions.create', body);
  }

  @Post('keys/rotate')
  @Roles('system-admin')
  rotateKeys(): Promise<KeyRotated> {
    return this.identity.request('identity.keys.rotate', {});
  }

  @Get('agencies')
  listAgencies(@Query() query: AgencyListQuery): Promise<AgencyPage> {
    return this.identity.request('identity.agencies.list', { ...query });
  }

  @Post('agencies')
  @Roles('system-admin')
  createAgency(@Body() body: CreateAgencyRequest): Promise<Agency> {
    return this.identity.request('identity.agencies.create', body);
  }

  @Get('agencies/:id')
  getAgency(@Param('id', id) agencyId: string): Promise<Agency> {
    return this.identity.request('identity.agencies.get', { id: agencyId });
  }

  @Patch('agencies/:id')
  updateAgency(
    @Param('id', id) agencyId: string,
    @Body() body: Omit<UpdateAgencyRequest, 'id'>,
  ): Promise<Agency> {
    return this.identity.request('identity.agencies.update', { ...body, id: agencyId });
  }

  @Post('agencies/:id/units')
  createUnit(
    @Param('id', id) agencyId: string,
    @Body() body: Omit<CreateUnitRequest, 'agencyId'>,
  ): Promise<Unit> {
    return this.identity.request('identity.units.create', { ...body, agencyId });
  }

  @Get('staff')
  listStaff(@Query() query: StaffListQuery): Promise<StaffPage> {
    return this.identity.request('identity.staff.list', { ...query });
  }

  @Post('staff')
  createStaff(@Body() body: CreateStaffRequest): Promise<Staff> {
    return this.identity.request('identity.staff.create', body);
  }

  @Get('staff/:id')
  getStaff(@Param('id', id) staffId: string): Promise<Staff> {
    return this.identity.request('identity.staff.get', { id: staffId });
  }

  @Patch('staff/:id')
  updateStaff(
    @Param('id', id) staffId: string,
    @Body() body: Omit<UpdateStaffRequest, 'id'>,
  ): Promise<Staff> {
    return this.identity.request('identity.staff.update', { ...body, id: staffId });
  }

  @Get('staff/:id/history')
  staffHistory(@Param('id', id) staffId: string): Promise<StaffHistory> {
    return this.identity.request('identity.staff.history', { id: staffId });
  }

  @Post('delegations')
  delegate(@Body() body: CreateDelegationRequest): Promise<Delegation> {
    return this.identity.request('identity.delegations.create', body);
  }

  @Post('delegations/:id/revoke')
  revokeDelegation(@Param('id', id) delegationId: string): Promise<Delegation> {
    return this.identity.request('identity.delegations.revoke', { id: delegationId });
  }
}
