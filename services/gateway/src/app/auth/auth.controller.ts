import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { Public, OpenToInitialPassword } from '@berkas/auth';
import type {
  Applicant,
  Jwks,
  LogoutReply,
  Me,
  RegisterRequest,
  RegistrationStarted,
  TokenPair,
} from '@berkas/contracts';
import { ConfirmRegistrationBody, LoginBody, RefreshBody, RegisterBody } from '../../generated/bodies';
import { RateLimit } from '../protection/rate-limit';
import { Calls } from '../openapi/calls.decorator';
import { ServiceClient } from '@berkas/messaging';

/** Registration, sign-in and the signed-in user; bodies are checked against proto/ on their way to identity. */
@Controller()
export class AuthController {
  constructor(private readonly identity: ServiceClient) {}

  /** Answers 202 alike whether or not the address or identity has an account: the message sent says. */
  @Public()
  @RateLimit('sign-ins')
  @Post('api/v1/auth/register')
  @HttpCode(202)
  @Calls('identity.auth.register')
  register(@Body() body: RegisterBody): Promise<RegistrationStarted> {
    return this.identity.request('identity.auth.register', body as RegisterRequest); // proto says: email or phone
  }

  @Public()
  @RateLimit('sign-ins')
  @Post('api/v1/auth/register/confirm')
  @Calls('identity.auth.confirm-registration')
  confirm(@Body() body: ConfirmRegistrationBody): Promise<Applicant> {
    return this.identity.request('identity.auth.confirm-registration', body);
  }

  @Public()
  @RateLimit('sign-ins')
  @Post('api/v1/auth/login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Calls('identity.auth.login')
  login(@Body() body: LoginBody): Promise<TokenPair> {
    return this.identity.request('identity.auth.login', body);
  }

  @Public()
  @RateLimit('sign-ins')
  @Post('api/v1/auth/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Calls('identity.auth.refresh')
  refresh(@Body() body: RefreshBody): Promise<TokenPair> {
    return this.identity.request('identity.auth.refresh', body);
  }

  @Public()
  @Post('api/v1/auth/logout')
  @HttpCode(200)
  @Calls('identity.auth.logout')
  logout(@Body() body: RefreshBody): Promise<LogoutReply> {
    return this.identity.request('identity.auth.logout', body);
  }

  @OpenToInitialPassword()
  @Get('api/v1/me')
  @Calls('identity.me.get')
  me(): Promise<Me> {
    return this.identity.request('identity.me.get', {});
  }

  /** The public keys every service (and anyone) can verify Berkas access tokens with. */
  @Public()
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Calls('identity.jwks.get')
  jwks(): Promise<Jwks> {
    return this.identity.request('identity.jwks.get', {});
  }
}
