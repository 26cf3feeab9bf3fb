import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  CreateDelegationRequest,
  CreateStaffRequest,
  Delegation,
  GetStaffRequest,
  IdRequest,
  ListStaffRequest,
  MembersOfRoleRequest,
  RoleMembers,
  Staff,
  StaffHistory,
  StaffPage,
  UpdateStaffRequest,
} from '@berkas/contracts';
import { DelegationsService } from './delegations.service';
import { StaffService } from './staff.service';

@Controller()
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly delegations: DelegationsService,
  ) {}

  @MessagePattern('identity.staff.create')
  create(@Payload() req: CreateStaffRequest): Promise<Staff> {
    return this.staff.create(principal(), req);
  }

  @MessagePattern('identity.staff.update')
  update(@Payload() req: UpdateStaffRequest): Promise<Staff> {
    return this.staff.update(principal(), req);
  }

  @MessagePattern('identity.staff.get')
  get(@Payload() req: GetStaffRequest): Promise<Staff> {
    return this.staff.get(principal(), req);
  }

  @MessagePattern('identity.staff.list')
  list(@Payload() req: ListStaffRequest): Promise<StaffPage> {
    return this.staff.list(principal(), req);
  }

  @MessagePattern('identity.staff.history')
  history(@Payload() req: IdRequest): Promise<StaffHistory> {
    return this.staff.history(principal(), req.id);
  }

  @MessagePattern('identity.staff.members-of-role')
  membersOfRole(@Payload() req: MembersOfRoleRequest): Promise<RoleMembers> {
    return this.staff.membersOfRole(principal(), req);
  }

  @MessagePattern('identity.delegations.create')
  delegate(@Payload() req: CreateDelegationRequest): Promise<Delegation> {
    return this.delegations.create(principal(), req);
  }

  @MessagePattern('identity.delegations.revoke')
  revoke(@Payload() req: IdRequest): Promise<Delegation> {
    return this.delegations.revoke(principal(), req.id);
  }
}
