import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type {
  AddCompanyMemberRequest,
  CompanyMember,
  CompanyMembers,
  RegistrationStarted,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { AddCompanyMemberBody } from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { RateLimit } from '../protection/rate-limit';
import { uuidParam } from '../validation/validation.pipe';

/** Who acts for a company: every member sees them; its admin member adds and removes them. */
@Controller('api/v1/company/members')
export class CompanyMembersController {
  constructor(private readonly identity: ServiceClient) {}

  @Get()
  @Calls('identity.companies.list-members')
  list(): Promise<CompanyMembers> {
    return this.identity.request('identity.companies.list-members', {});
  }

  /** The admin member invites a colleague, who confirms with the code sent (POST /api/v1/auth/register/confirm). */
  @RateLimit('sign-ins')
  @Post()
  @HttpCode(202)
  @Calls('identity.companies.add-member')
  add(@Body() body: AddCompanyMemberBody): Promise<RegistrationStarted> {
    return this.identity.request('identity.companies.add-member', body as AddCompanyMemberRequest);
  }

  /** The admin member removes someone who left: their account closes and their sign-ins end at once. */
  @Delete(':id')
  @Calls('identity.companies.remove-member')
  remove(@Param('id', uuidParam()) id: string): Promise<CompanyMember> {
    return this.identity.request('identity.companies.remove-member', { id });
  }
}
