import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '@berkas/contracts';
import { RequestContext } from './request-context';
import { requestIdFrom } from './request-id';

/**
 * First middleware of every HTTP app (installed with `app.use` before Nest's own): fixes the request
 * id, echoes it in the response, and runs the rest of the request inside a RequestContext so logs and
 * outgoing NATS requests carry it.
 */
export function requestContextMiddleware(
  req: IncomingMessage & { id?: string; ip?: string },
  res: ServerResponse,
  next: () => void,
): void {
  const requestId = requestIdFrom(req.headers[HEADERS.requestId]);
  req.id = requestId;
  res.setHeader(HEADERS.requestId, requestId);
  // Express works out `ip` from the trusted proxies' X-Forwarded-For when it is read (after set-up).
  RequestContext.run({ requestId, clientAddress: req.ip ?? req.socket.remoteAddress }, next);
}
