import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal, ServiceName } from '@berkas/contracts';

export interface RequestContextData {
  requestId: string;
  /** Who acts, from a verified access token. */
  principal?: Principal;
  /** On a service: the Berkas service calling on its own, from a verified service token. */
  service?: ServiceName;
  /** The verified token itself, forwarded on outgoing requests so the next service can verify it too. */
  accessToken?: string;
  /** The client's Idempotency-Key for this action, forwarded with the user's token. */
  idempotencyKey?: string;
  /** The end user's network address, as the HTTP entry saw it behind its trusted proxies. */
  clientAddress?: string;
  /** On a service: the NATS request being handled, for idempotent transactions. */
  rpc?: { subject: string; payload: unknown };
}

const storage = new AsyncLocalStorage<RequestContextData>();

/**
 * The request id and acting principal of the work in progress, carried across awaits. Set on entry
 * (HTTP middleware, NATS interceptor, event consumer) and read by the logger and outgoing requests.
 */
export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
};
