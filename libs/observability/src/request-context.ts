import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '@berkas/contracts';

export interface RequestContextData {
  requestId: string;
  /** Who acts, from a verified access token; absent when a service acts on its own. */
  principal?: Principal;
  /** The verified token itself, forwarded on outgoing requests so the next service can verify it too. */
  accessToken?: string;
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
