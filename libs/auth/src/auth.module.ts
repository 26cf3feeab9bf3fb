import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { PRINCIPAL_RESOLVER } from '@berkas/messaging';
import { NatsJwksSource } from './nats-jwks.source';
import { RevocationList } from './revocation-list';
import { JWKS_SOURCE, TokenVerifier, type JwksSource } from './token-verifier';

/**
 * Token verification for a service: TokenVerifier (also the PRINCIPAL_RESOLVER the NATS interceptor
 * uses), which refuses tokens the RevocationList knows were revoked. Keys come from identity over NATS unless a service brings its own source (identity does).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(
    options: { jwksSource?: Type<JwksSource>; imports?: DynamicModule['imports'] } = {},
  ): DynamicModule {
    // A service's own source is provided by its own module (passed in `imports`); ours is provided here.
    const source = options.jwksSource ?? NatsJwksSource;
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      providers: [
        ...(options.jwksSource ? [] : [NatsJwksSource]),
        { provide: JWKS_SOURCE, useExisting: source },
        RevocationList,
        TokenVerifier,
        { provide: PRINCIPAL_RESOLVER, useExisting: TokenVerifier },
      ],
      exports: [TokenVerifier, PRINCIPAL_RESOLVER, JWKS_SOURCE, RevocationList],
    };
  }
}
