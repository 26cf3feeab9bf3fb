import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  Applicant,
  ConfirmRegistrationRequest,
  LoginRequest,
  LogoutReply,
  RefreshRequest,
  RegisterRequest,
  RegistrationStarted,
  TokenPair,
} from '@berkas/contracts';
import { ApplicantsService } from '../applicants/applicants.service';
import { SessionsService } from './sessions.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly applicants: ApplicantsService,
  ) {}

  @Handles('identity.auth.register')
  register(@Payload() req: RegisterRequest): Promise<RegistrationStarted> {
    return this.applicants.register(req);
  }

  @Handles('identity.auth.confirm-registration')
  confirm(@Payload() req: ConfirmRegistrationRequest): Promise<Applicant> {
    return this.applicants.confirm(req);
  }

  @Handles('identity.auth.login')
  login(@Payload() req: LoginRequest): Promise<TokenPair> {
    return this.sessions.login(req);
  }

  @Handles('identity.auth.refresh')
  refresh(@Payload() req: RefreshRequest): Promise<TokenPair> {
    return this.sessions.refresh(req.refreshToken);
  }

  @Handles('identity.auth.logout')
  async logout(@Payload() req: RefreshRequest): Promise<LogoutReply> {
    return { revoked: await this.sessions.logout(req.refreshToken) };
  }
}
