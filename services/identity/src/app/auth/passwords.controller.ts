import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  ChangePasswordRequest,
  PasswordChanged,
  RegistrationStarted,
  ResetPasswordRequest,
  StartPasswordResetRequest,
  TokenPair,
} from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { PasswordChanges } from './password-changes.service';

@Controller()
export class PasswordsController {
  constructor(private readonly passwords: PasswordChanges) {}

  @Handles('identity.auth.start-password-reset')
  startReset(@Payload() req: StartPasswordResetRequest): Promise<RegistrationStarted> {
    return this.passwords.startReset(req.login);
  }

  @Handles('identity.auth.reset-password')
  reset(@Payload() req: ResetPasswordRequest): Promise<PasswordChanged> {
    return this.passwords.reset(req);
  }

  @Handles('identity.auth.change-password')
  change(@Payload() req: ChangePasswordRequest): Promise<TokenPair> {
    return this.passwords.change(principal(), req);
  }
}
