import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
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

@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly applicants: ApplicantsService,
  ) {}

  @MessagePattern('identity.auth.register')
  register(@Payload() req: RegisterRequest): Promise<RegistrationStarted> {
    return this.applicants.register(req);
  }

  @MessagePattern('identity.auth.confirm-registration')
  confirm(@Payload() req: ConfirmRegistrationRequest): Promise<Applicant> {
    return this.applicants.confirm(req);
  }

  @MessagePattern('identity.auth.login')
  login(@Payload() req: LoginRequest): Promise<TokenPair> {
    return this.sessions.login(req);
  }

  @MessagePattern('identity.auth.refresh')
  refresh(@Payload() req: RefreshRequest): Promise<TokenPair> {
    return this.sessions.refresh(req.refreshToken);
  }

  @MessagePattern('identity.auth.logout')
  async logout(@Payload() req: RefreshRequest): Promise<LogoutReply> {
    return { revoked: await this.sessions.logout(req.refreshToken) };
  }
}
