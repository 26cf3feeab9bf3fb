import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  ClaimAccountRequest,
  ClaimCodeRequest,
  ClaimCodeResent,
  ClaimCodeSent,
  CounterVisit,
  CounterVisitRequest,
  ResendClaimCodeRequest,
  TokenPair,
} from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { CounterVisits } from './counter-visits.service';
import { WalkInClaims } from './walk-in-claims.service';

@Controller()
export class CounterController {
  constructor(
    private readonly visits: CounterVisits,
    private readonly claims: WalkInClaims,
  ) {}

  @Handles('identity.counter.open-visit')
  open(@Payload() req: CounterVisitRequest): Promise<CounterVisit> {
    return this.visits.open(principal(), req);
  }

  @Handles('identity.counter.send-claim-code')
  sendClaimCode(@Payload() req: ClaimCodeRequest): Promise<ClaimCodeSent> {
    return this.claims.send(req);
  }

  @Handles('identity.auth.claim')
  claim(@Payload() req: ClaimAccountRequest): Promise<TokenPair> {
    return this.claims.claim(req);
  }

  @Handles('identity.auth.resend-claim-code')
  resend(@Payload() req: ResendClaimCodeRequest): Promise<ClaimCodeResent> {
    return this.claims.resend(req.trackingNumber);
  }
}
