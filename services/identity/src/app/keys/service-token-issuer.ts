import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import {
  SERVICE_TOKEN_TTL_SECONDS,
  serviceAudience,
  TOKEN_ALGORITHM,
  TOKEN_ISSUER,
  type ServiceTokenSource,
} from '@berkas/auth';
import type { ServiceName, ServiceToken } from '@berkas/contracts';
import { SigningKeysService } from './signing-keys.service';

/**
 * Signs the tokens a service shows when it calls another service on its own: the calling service
 * (`svc`), for one service (`aud`), for five minutes, with the keys that sign access tokens (so every
 * service checks them against the same JWK Set). Which service asks, NATS decides: each may publish
 * only to its own `identity.service-tokens.<service>`.
 */
@Injectable()
export class ServiceTokenIssuer implements ServiceTokenSource {
  constructor(private readonly keys: SigningKeysService) {}

  async issue(service: ServiceName, audience: ServiceName): Promise<ServiceToken> {
    const key = await this.keys.activeKey();
    const token = await new SignJWT({ svc: service })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'service+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(serviceAudience(audience))
      .setSubject(`service:${service}`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${SERVICE_TOKEN_TTL_SECONDS}s`)
      .sign(key.privateKey);
    return { token, expiresIn: SERVICE_TOKEN_TTL_SECONDS };
  }
}
