import type { ServiceName } from '@berkas/contracts';

/**
 * A service's own credentials on the bus: the tokens it shows when it calls another service on its
 * own (not for a person), and the check of the tokens other services show it. Provided by
 * @berkas/auth (identity signs them); NATS users and permissions back it at the bus.
 */
export interface ServiceIdentity {
  readonly name: ServiceName;
  /** A token naming this service, for `audience` only. */
  tokenFor(audience: ServiceName): Promise<string>;
  /** The service a token names, if it is valid and meant for this service; throws otherwise. */
  verify(token: string): Promise<ServiceName>;
}
export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');
