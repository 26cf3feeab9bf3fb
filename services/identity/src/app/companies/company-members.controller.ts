import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type { CompanyMember, CompanyMembers, IdRequest } from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { CompanyMembersService } from './company-members.service';

@Controller()
export class CompanyMembersController {
  constructor(private readonly members: CompanyMembersService) {}

  @Handles('identity.companies.list-members')
  list(): Promise<CompanyMembers> {
    return this.members.list(principal());
  }

  @Handles('identity.companies.remove-member')
  remove(@Payload() req: IdRequest): Promise<CompanyMember> {
    return this.members.remove(principal(), req.id);
  }
}
