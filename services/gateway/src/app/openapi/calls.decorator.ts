import { SetMetadata } from '@nestjs/common';
import type { RequestSubject, SchemaName } from '@berkas/contracts';

export const CALLS_METADATA = 'berkas:calls';

export interface CallsSpec {
  /** The NATS request the route makes: its proto summary and reply schema document the route. */
  subject: RequestSubject;
  /** When the route answers with something else than the subject's reply. */
  reply?: SchemaName;
  /** The route answers with bytes of this media type (a document, a PDF) instead of JSON. */
  bytes?: string;
  summary?: string;
  /** multipart/form-data with `kind` then `file`, streamed to storage. */
  upload?: boolean;
  /** Requests the route makes after `subject` (an upload registers what it stored): their errors apply too. */
  then?: RequestSubject[];
}

/**
 * Which service request a route stands for. The OpenAPI document is built from this and from the
 * metadata the guards already read (public, roles, rate limits), so it cannot drift from them.
 */
export const Calls = (subject: RequestSubject, options: Omit<CallsSpec, 'subject'> = {}) =>
  SetMetadata<string, CallsSpec>(CALLS_METADATA, { subject, ...options });
