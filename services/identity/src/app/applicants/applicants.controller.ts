import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  AddCompanyMemberRequest,
  Applicant,
  ApplicantLookup,
  ApplicantMatch,
  IdRequest,
  RegistrationStarted,
} from '@berkas/contracts';
import { ApplicantsService } from './applicants.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class ApplicantsController {
  constructor(private readonly applicants: ApplicantsService) {}

  @Handles('identity.applicants.get')
  get(@Payload() req: IdRequest): Promise<Applicant> {
    return this.applicants.get(principal(), req.id);
  }

  @Handles('identity.applicants.find')
  find(@Payload() req: ApplicantLookup): Promise<ApplicantMatch> {
    return this.applicants.find(req);
  }

  @Handles('identity.companies.add-member')
  addMember(@Payload() req: AddCompanyMemberRequest): Promise<RegistrationStarted> {
    return this.applicants.addCompanyMember(principal(), req);
  }
}
