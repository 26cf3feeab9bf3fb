import { Injectable } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { ServiceClient } from '@berkas/messaging';
import type { JwksSource } from './token-verifier';

/** Every service but identity fetches the public keys from identity over NATS. */
@Injectable()
export class NatsJwksSource implements JwksSource {
  constructor(private readonly client: ServiceClient) {}

  async load(): Promise<JSONWebKeySet> {
    // The token being verified must not ride along on the request for the keys that verify it.
    return (await this.client.request('identity.jwks.get', {}, { asService: true })) as JSONWebKeySet;
  }
}
