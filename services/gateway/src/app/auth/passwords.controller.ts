import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { Public, OpenToInitialPassword } from '@berkas/auth';
import type { PasswordChanged, RegistrationStarted, TokenPair } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { ChangePasswordBody, ResetPasswordBody, StartPasswordResetBody } from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { RateLimit } from '../protection/rate-limit';

/** A forgotten password reset with a code, and a password changed by its owner. */
@Controller('api/v1/auth')
export class PasswordsController {
  constructor(private readonly identity: ServiceClient) {}

  /** Answers 202 alike whether or not the email or phone has an account: only its owner gets a code. */
  @Public()
  @RateLimit('sign-ins')
  @Post('password-reset')
  @HttpCode(202)
  @Calls('identity.auth.start-password-reset')
  startReset(@Body() body: StartPasswordResetBody): Promise<RegistrationStarted> {
    return this.identity.request('identity.auth.start-password-reset', body);
  }

  @Public()
  @RateLimit('sign-ins')
  @Post('password-reset/confirm')
  @HttpCode(200)
  @Calls('identity.auth.reset-password')
  reset(@Body() body: ResetPasswordBody): Promise<PasswordChanged> {
    return this.identity.request('identity.auth.reset-password', body);
  }

  /** Every other sign-in ends; the answer is this sign-in's new token pair. */
  @RateLimit('sign-ins')
  @OpenToInitialPassword()
  @Post('password')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Calls('identity.auth.change-password')
  change(@Body() body: ChangePasswordBody): Promise<TokenPair> {
    return this.identity.request('identity.auth.change-password', body);
  }
}
