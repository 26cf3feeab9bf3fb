import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { ServiceClient } from '@berkas/messaging';
import { RequestContext } from '@berkas/observability';
import type { JwksSource } from './token-verifier';

/** Every service but identity fetches the public keys from identity over NATS. */
@Injectable()
export class NatsJwksSource implements JwksSource {
  constructor(private readonly client: ServiceClient) {}

  async load(): Promise<JSONWebKeySet> {
    // Outside the caller's context: the token being verified must not ride along on this request.
    const requestId = RequestContext.current()?.requestId ?? randomUUID();
    const jwks = await RequestContext.run({ requestId }, () => this.client.request('identity.jwks.get', {}));
    return jwks as JSONWebKeySet;
  }
}
