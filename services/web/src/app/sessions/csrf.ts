import {
  ForbiddenException,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { csrfSync } from 'csrf-sync';

/** The field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

/**
 * Synchroniser tokens (csrf-sync, OWASP's pattern for server-side sessions): each session holds a
 * random token, every form posts it back, and a POST without the session's token is refused before
 * any page code runs. SameSite=Lax cookies already stop most forged posts; this stops the rest.
 */
export const csrf = csrfSync({
  size: 32, // 256 bits, as hex
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    const value = body?.[CSRF_FIELD] ?? req.get('x-csrf-token');
    return typeof value === 'string' ? value : undefined;
  },
});

/** Thrown for a post whose form did not come from this session (forged, or the session ended). */
export class CsrfRefused extends ForbiddenException {
  constructor() {
    super('The form is out of date or was not sent from this site');
  }
}

const STREAMED_FORM = 'berkas:streamed-form';

/**
 * A handler of multipart uploads, whose body is read as it streams (never parsed up front): it checks
 * the CSRF field itself, before the first file (DocumentForwarder). Any other multipart post is refused.
 */
export const StreamedForm = () => SetMetadata(STREAMED_FORM, true);

@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
    if (this.reflector.get<boolean>(STREAMED_FORM, context.getHandler()) && req.is('multipart/form-data'))
      return true;
    if (!req.session || !csrf.isRequestValid(req)) throw new CsrfRefused();
    return true;
  }
}
