import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { Public } from '@berkas/auth';
import type {
  AddCompanyMemberRequest,
  Applicant,
  LoginRequest,
  LogoutReply,
  Me,
  RefreshRequest,
  RegisterRequest,
  TokenPair,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';

/** Registration, sign-in and the signed-in user; bodies are checked against proto/ on their way to identity. */
@Controller()
export class AuthController {
  constructor(private readonly identity: ServiceClient) {}

  @Public()
  @Post('api/v1/auth/register')
  register(@Body() body: RegisterRequest): Promise<Applicant> {
    return this.identity.request('identity.auth.register', body);
  }

  @Public()
  @Post('api/v1/auth/login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  login(@Body() body: LoginRequest): Promise<TokenPair> {
    return this.identity.request('identity.auth.login', body);
  }

  @Public()
  @Post('api/v1/auth/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  refresh(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.identity.request('identity.auth.refresh', body);
  }

  @Public()
  @Post('api/v1/auth/logout')
  @HttpCode(200)
  logout(@Body() body: RefreshRequest): Promise<LogoutReply> {
    return this.identity.request('identity.auth.logout', body);
  }

  @Get('api/v1/me')
  me(): Promise<Me> {
    return this.identity.request('identity.me.get', {});
  }

  /** A company member adds a colleague to the company account. */
  @Post('api/v1/company/members')
  addCompanyMember(@Body() body: AddCompanyMemberRequest): Promise<Applicant> {
    return this.identity.request('identity.companies.add-member', body);
  }

  /** The public keys every service (and anyone) can verify Berkas access tokens with. */
  @Public()
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.identity.request('identity.jwks.get', {});
  }
}
