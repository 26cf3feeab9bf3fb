import { Inject, Injectable } from '@nestjs/common';
import type { RequestSubject, ServiceName, ServiceToken } from '@berkas/contracts';
import { ServiceClient, type ServiceIdentity } from '@berkas/messaging';
import { TokenVerifier } from './token-verifier';

/** Where a service's own tokens come from: identity over NATS, or (in identity) its own keys. */
export interface ServiceTokenSource {
  issue(service: ServiceName, audience: ServiceName): Promise<ServiceToken>;
}
export const SERVICE_TOKEN_SOURCE = Symbol('SERVICE_TOKEN_SOURCE');
export const OWN_SERVICE = Symbol('OWN_SERVICE');

/** Each service's own token subject, as proto/identity.yaml declares them (identity signs its own). */
const TOKEN_SUBJECTS: Partial<
  Record<ServiceName, `identity.service-tokens.${ServiceName}` & RequestSubject>
> = {
  tracking: 'identity.service-tokens.tracking',
  permits: 'identity.service-tokens.permits',
  notifications: 'identity.service-tokens.notifications',
};

/**
 * Every service but identity asks identity for its tokens on `identity.service-tokens.<itself>`, a
 * subject only its own NATS user may publish to: NATS proves who asks, identity signs.
 */
@Injectable()
export class NatsServiceTokenSource implements ServiceTokenSource {
  constructor(private readonly client: ServiceClient) {}
  issue(service: ServiceName, audience: ServiceName): Promise<ServiceToken> {
    const subject = TOKEN_SUBJECTS[service];
    if (!subject)
      return Promise.reject(new Error(`${service} has no service tokens: proto/identity.yaml declares none`));
    return this.client.request(subject, { audience });
  }
}

/**
 * This service's identity on the bus (ServiceIdentity): its tokens, kept until a minute before they
 * expire, and the check of other services' tokens (signed by identity, for this service).
 */
@Injectable()
export class ServiceTokens implements ServiceIdentity {
  private readonly cache = new Map<ServiceName, { token: string; until: number }>();
  private readonly pending = new Map<ServiceName, Promise<string>>();

  constructor(
    @Inject(OWN_SERVICE) readonly name: ServiceName,
    @Inject(SERVICE_TOKEN_SOURCE) private readonly source: ServiceTokenSource,
    private readonly verifier: TokenVerifier,
  ) {}

  async tokenFor(audience: ServiceName): Promise<string> {
    const cached = this.cache.get(audience);
    if (cached && cached.until > Date.now()) return cached.token;
    let asked = this.pending.get(audience);
    if (!asked) {
      asked = this.source
        .issue(this.name, audience)
        .then(({ token, expiresIn }) => {
          this.cache.set(audience, { token, until: Date.now() + Math.max(0, expiresIn - 60) * 1000 });
          return token;
        })
        .finally(() => this.pending.delete(audience));
      this.pending.set(audience, asked);
    }
    return asked;
  }

  verify(token: string): Promise<ServiceName> {
    return this.verifier.verifyService(token, this.name);
  }
}
