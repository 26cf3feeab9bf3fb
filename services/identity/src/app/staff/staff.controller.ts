import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  DelegationList,
  ListDelegationsRequest,
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
import { Handles } from '@berkas/messaging';

@Controller()
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly delegations: DelegationsService,
  ) {}

  @Handles('identity.staff.create')
  create(@Payload() req: CreateStaffRequest): Promise<Staff> {
    return this.staff.create(principal(), req);
  }

  @Handles('identity.staff.update')
  update(@Payload() req: UpdateStaffRequest): Promise<Staff> {
    return this.staff.update(principal(), req);
  }

  @Handles('identity.staff.get')
  get(@Payload() req: GetStaffRequest): Promise<Staff> {
    return this.staff.get(principal(), req);
  }

  @Handles('identity.staff.list')
  list(@Payload() req: ListStaffRequest): Promise<StaffPage> {
    return this.staff.list(principal(), req);
  }

  @Handles('identity.staff.history')
  history(@Payload() req: IdRequest): Promise<StaffHistory> {
    return this.staff.history(principal(), req.id);
  }

  @Handles('identity.staff.members-of-role')
  membersOfRole(@Payload() req: MembersOfRoleRequest): Promise<RoleMembers> {
    return this.staff.membersOfRole(principal(), req);
  }

  @Handles('identity.delegations.create')
  delegate(@Payload() req: CreateDelegationRequest): Promise<Delegation> {
    return this.delegations.create(principal(), req);
  }

  @Handles('identity.delegations.list')
  listDelegations(@Payload() req: ListDelegationsRequest): Promise<DelegationList> {
    return this.delegations.list(principal(), req);
  }

  @Handles('identity.delegations.revoke')
  revoke(@Payload() req: IdRequest): Promise<Delegation> {
    return this.delegations.revoke(principal(), req.id);
  }
}
