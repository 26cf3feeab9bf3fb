import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import type { ServiceName } from '@berkas/contracts';
import { PRINCIPAL_RESOLVER, SERVICE_IDENTITY } from '@berkas/messaging';
import { NatsJwksSource } from './nats-jwks.source';
import { RevocationList } from './revocation-list';
import {
  NatsServiceTokenSource,
  OWN_SERVICE,
  SERVICE_TOKEN_SOURCE,
  ServiceTokens,
  type ServiceTokenSource,
} from './service-tokens';
import { JWKS_SOURCE, TokenVerifier, type JwksSource } from './token-verifier';

/**
 * Token verification for a service: TokenVerifier (also the PRINCIPAL_RESOLVER the NATS interceptor
 * uses), which refuses tokens the RevocationList knows were revoked. Keys come from identity over NATS unless a service brings its own source (identity does).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: {
    /** The service this is: its tokens name it, and tokens shown to it must be meant for it. */
    service: ServiceName;
    jwksSource?: Type<JwksSource>;
    /** Identity signs its own service tokens; the others ask identity (NatsServiceTokenSource). */
    serviceTokenSource?: Type<ServiceTokenSource>;
    imports?: DynamicModule['imports'];
  }): DynamicModule {
    // A service's own sources are provided by its own module (passed in `imports`); ours are provided here.
    const jwks = options.jwksSource ?? NatsJwksSource;
    const tokens = options.serviceTokenSource ?? NatsServiceTokenSource;
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      providers: [
        ...(options.jwksSource ? [] : [NatsJwksSource]),
        ...(options.serviceTokenSource ? [] : [NatsServiceTokenSource]),
        { provide: JWKS_SOURCE, useExisting: jwks },
        { provide: SERVICE_TOKEN_SOURCE, useExisting: tokens },
        { provide: OWN_SERVICE, useValue: options.service },
        RevocationList,
        TokenVerifier,
        ServiceTokens,
        { provide: PRINCIPAL_RESOLVER, useExisting: TokenVerifier },
        { provide: SERVICE_IDENTITY, useExisting: ServiceTokens },
      ],
      exports: [
        TokenVerifier,
        PRINCIPAL_RESOLVER,
        JWKS_SOURCE,
        RevocationList,
        SERVICE_IDENTITY,
        ServiceTokens,
      ],
    };
  }
}
