import { Controller } from '@nestjs/common';
import { currentPrincipal, requirePrincipal } from '@berkas/auth';
import type { Me } from '@berkas/contracts';
import { ApplicantsService } from '../applicants/applicants.service';
import { StaffService } from '../staff/staff.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class MeController {
  constructor(
    private readonly staff: StaffService,
    private readonly applicants: ApplicantsService,
  ) {}

  /** The signed-in principal as the token says, with their account as it is now. */
  @Handles('identity.me.get')
  async me(): Promise<Me> {
    const principal = requirePrincipal(currentPrincipal());
    if (principal.kind === 'staff')
      return { principal, staff: await this.staff.get(principal, { id: principal.id }) };
    if (principal.kind === 'applicant')
      return { principal, applicant: await this.applicants.get(principal, principal.id) };
    return { principal };
  }
}
