import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, type Principal, type StaffRole } from '@berkas/contracts';
import { IS_PUBLIC_ROUTE, RequestContext } from '@berkas/observability';
import { requireRole } from './authorization';
import { TokenVerifier } from './token-verifier';

export const ROLES_METADATA = 'berkas:roles';

/** The route needs no sign-in (a token, if sent, is still read). */
export { Public } from '@berkas/observability';
export const OPEN_TO_INITIAL_PASSWORD = 'berkas:open-to-initial-password';
/**
 * The route answers someone still signed in with an initial password (who they are, changing the
 * password, signing out); every other route refuses them with PASSWORD_CHANGE_REQUIRED.
 */
export const OpenToInitialPassword = () => SetMetadata(OPEN_TO_INITIAL_PASSWORD, true);
/** The route needs one of these staff roles (own or as acting official). */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_METADATA, roles);
/** The verified principal of the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) =>
    ctx.switchToHttp().getRequest<Request & { principal?: Principal }>().principal,
);

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Global HTTP guard: every route needs a valid access token unless marked @Public(). The verified
 * principal and the token go into the RequestContext, so the services called next verify it too.
 */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_ROUTE, targets) ?? false;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.headers.authorization;
    if (!header) {
      if (isPublic) return true;
      throw new AppError(
        'UNAUTHENTICATED',
        401,
        'Sign in first: send "Authorization: Bearer <access token>"',
      );
    }
    const token = BEARER.exec(header)?.[1];
    if (!token)
      throw new AppError('UNAUTHENTICATED', 401, 'The authorization header must be "Bearer <token>"');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (e) {
      if (isPublic) return true; // a stale token must not lock anyone out of public pages
      throw e;
    }
    if (
      principal.passwordChangeRequired &&
      !isPublic &&
      !this.reflector.getAllAndOverride<boolean>(OPEN_TO_INITIAL_PASSWORD, targets)
    )
      throw new AppError(
        'PASSWORD_CHANGE_REQUIRED',
        403,
        'You signed in with an initial password: choose your own first (POST /api/v1/auth/password)',
      );
    req.principal = principal;
    const ctx = RequestContext.current();
    if (ctx) {
      ctx.principal = principal;
      ctx.accessToken = token;
    }
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_METADATA, targets);
    if (roles?.length) requireRole(principal, roles);
    return true;
  }
}
