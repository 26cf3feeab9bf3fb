import { MessagePattern } from '@nestjs/microservices';
import type { RequestMap, RequestSubject } from '@berkas/contracts';

/** A handler of `S`: takes the subject's request, answers its reply (or a promise of it). */
export type HandlerOf<S extends RequestSubject> = (
  request: RequestMap[S]['request'],
) => RequestMap[S]['reply'] | Promise<RequestMap[S]['reply']>;

/**
 * Answers `subject` on NATS (Nest's MessagePattern). The decorated method's request and reply are
 * the subject's contract in proto/, checked when it compiles: a handler that takes or answers
 * anything else does not build. At run time the RPC layer checks both against the schemas too.
 */
export function Handles<S extends RequestSubject>(subject: S) {
  return <M extends HandlerOf<S>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ) => {
    MessagePattern(subject)(target, key, descriptor);
  };
}
