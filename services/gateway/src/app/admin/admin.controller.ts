import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '@berkas/auth';
import type {
  Agency,
  Delegation,
  DelegationList,
  KeyRotated,
  Region,
  Staff,
  StaffHistory,
  StaffPage,
  Unit,
} from '@berkas/contracts';
import {
  CreateAgencyBody,
  CreateDelegationBody,
  CreateStaffBody,
  CreateUnitBody,
  RegionBody,
  UpdateAgencyBody,
  UpdateStaffBody,
} from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { ServiceClient } from '@berkas/messaging';
import { uuidParam } from '../validation/validation.pipe';
import { StaffListQuery, DelegationListQuery } from '../validation/list-query.dto';

const id = uuidParam();

/**
 * Managing regions, agencies, units, officers and delegations (reading agencies is the directory's,
 * open to every officer). The gateway lets admins through;
 * identity decides which agency each may touch (an agency-admin their own, a system-admin all).
 */
@Controller('api/v1/admin')
@Roles('agency-admin', 'system-admin')
export class AdminController {
  constructor(private readonly identity: ServiceClient) {}

  @Post('regions')
  @Roles('system-admin')
  @Calls('identity.regions.create')
  createRegion(@Body() body: RegionBody): Promise<Region> {
    return this.identity.request('identity.regions.create', body);
  }

  @Post('keys/rotate')
  @Roles('system-admin')
  @Calls('identity.keys.rotate')
  rotateKeys(): Promise<KeyRotated> {
    return this.identity.request('identity.keys.rotate', {});
  }

  @Post('agencies')
  @Roles('system-admin')
  @Calls('identity.agencies.create')
  createAgency(@Body() body: CreateAgencyBody): Promise<Agency> {
    return this.identity.request('identity.agencies.create', body);
  }

  @Patch('agencies/:id')
  @Calls('identity.agencies.update')
  updateAgency(@Param('id', id) agencyId: string, @Body() body: UpdateAgencyBody): Promise<Agency> {
    return this.identity.request('identity.agencies.update', { ...body, id: agencyId });
  }

  @Post('agencies/:id/units')
  @Calls('identity.units.create')
  createUnit(@Param('id', id) agencyId: string, @Body() body: CreateUnitBody): Promise<Unit> {
    return this.identity.request('identity.units.create', { ...body, agencyId });
  }

  @Get('staff')
  @Calls('identity.staff.list')
  listStaff(@Query() query: StaffListQuery): Promise<StaffPage> {
    return this.identity.request('identity.staff.list', { ...query });
  }

  @Post('staff')
  @Calls('identity.staff.create')
  createStaff(@Body() body: CreateStaffBody): Promise<Staff> {
    return this.identity.request('identity.staff.create', body);
  }

  @Get('staff/:id')
  @Calls('identity.staff.get')
  getStaff(@Param('id', id) staffId: string): Promise<Staff> {
    return this.identity.request('identity.staff.get', { id: staffId });
  }

  @Patch('staff/:id')
  @Calls('identity.staff.update')
  updateStaff(@Param('id', id) staffId: string, @Body() body: UpdateStaffBody): Promise<Staff> {
    return this.identity.request('identity.staff.update', { ...body, id: staffId });
  }

  @Get('staff/:id/history')
  @Calls('identity.staff.history')
  staffHistory(@Param('id', id) staffId: string): Promise<StaffHistory> {
    return this.identity.request('identity.staff.history', { id: staffId });
  }

  @Get('delegations')
  @Calls('identity.delegations.list')
  listDelegations(@Query() query: DelegationListQuery): Promise<DelegationList> {
    return this.identity.request('identity.delegations.list', { ...query });
  }

  @Post('delegations')
  @Calls('identity.delegations.create')
  delegate(@Body() body: CreateDelegationBody): Promise<Delegation> {
    return this.identity.request('identity.delegations.create', body);
  }

  @Post('delegations/:id/revoke')
  @Calls('identity.delegations.revoke')
  revokeDelegation(@Param('id', id) delegationId: string): Promise<Delegation> {
    return this.identity.request('identity.delegations.revoke', { id: delegationId });
  }
}
