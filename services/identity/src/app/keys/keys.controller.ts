import { Controller } from '@nestjs/common';
import { requireRole } from '@berkas/auth';
import type { Jwks, KeyRotated, ServiceToken, ServiceTokenRequest } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { Payload } from '@nestjs/microservices';
import { ServiceTokenIssuer } from './service-token-issuer';
import { SigningKeysService } from './signing-keys.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class KeysController {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly serviceTokens: ServiceTokenIssuer,
  ) {}

  /** Only tracking's NATS user may publish here (NATS permissions): the token names tracking. */
  @Handles('identity.service-tokens.tracking')
  trackingToken(@Payload() req: ServiceTokenRequest): Promise<ServiceToken> {
    return this.serviceTokens.issue('tracking', req.audience);
  }

  /** Only permits' NATS user may publish here (NATS permissions): the token names permits. */
  @Handles('identity.service-tokens.permits')
  permitsToken(@Payload() req: ServiceTokenRequest): Promise<ServiceToken> {
    return this.serviceTokens.issue('permits', req.audience);
  }

  /** Only notifications' NATS user may publish here (NATS permissions): the token names notifications. */
  @Handles('identity.service-tokens.notifications')
  notificationsToken(@Payload() req: ServiceTokenRequest): Promise<ServiceToken> {
    return this.serviceTokens.issue('notifications', req.audience);
  }

  @Handles('identity.jwks.get')
  jwks(): Promise<Jwks> {
    return this.keys.jwks();
  }

  @Handles('identity.keys.rotate')
  rotate(): Promise<KeyRotated> {
    requireRole(RequestContext.current()?.principal, ['system-admin']);
    return this.keys.rotate();
  }
}
