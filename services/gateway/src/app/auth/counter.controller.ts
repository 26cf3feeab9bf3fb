import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { Public, Roles } from '@berkas/auth';
import type { ClaimCodeResent, CounterVisit, CounterVisitRequest, TokenPair } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { ClaimAccountBody, CounterVisitBody, ResendClaimCodeBody } from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { RateLimit } from '../protection/rate-limit';

/** The front office's counter (loket) serving a walk-in, and the walk-in claiming the account later. */
@Controller('api/v1')
export class CounterController {
  constructor(private readonly identity: ServiceClient) {}

  /** A front-office officer starts serving a walk-in: a sign-in as them, marked with the officer. */
  @Post('counter/visits')
  @Roles('front-office')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Calls('identity.counter.open-visit')
  open(@Body() body: CounterVisitBody): Promise<CounterVisit> {
    return this.identity.request('identity.counter.open-visit', body as CounterVisitRequest); // proto: email or phone
  }

  @Public()
  @RateLimit('sign-ins')
  @Post('auth/claim')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Calls('identity.auth.claim')
  claim(@Body() body: ClaimAccountBody): Promise<TokenPair> {
    return this.identity.request('identity.auth.claim', body);
  }

  /** Answers 202 alike whether or not the number has an account to claim. */
  @Public()
  @RateLimit('sign-ins')
  @Post('auth/claim/code')
  @HttpCode(202)
  @Calls('identity.auth.resend-claim-code')
  resend(@Body() body: ResendClaimCodeBody): Promise<ClaimCodeResent> {
    return this.identity.request('identity.auth.resend-claim-code', body);
  }
}
