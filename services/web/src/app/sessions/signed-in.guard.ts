import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { PersonSession } from './person-session';

/** A page that needs someone signed in was asked for by nobody: PageErrorFilter sends them to sign in. */
export class SignInRequired extends Error {
  constructor(readonly returnTo: string) {
    super('Sign in to see this page');
    this.name = 'SignInRequired';
  }
}

/** Signed in with an initial password: every page but the one that replaces it sends the person there. */
export class PasswordChangeRequired extends Error {
  constructor() {
    super('Choose your own password first');
    this.name = 'PasswordChangeRequired';
  }
}

/** The page that replaces the password, the one page an initial password opens. */
export const CHANGE_PASSWORD_PATH = '/akun/sandi';

interface SignedInRequest extends Request {
  accessToken?: string;
}

/** Lets the page run only for a signed-in person, with their (renewed if needed) access token. */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly session: PersonSession) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SignedInRequest>();
    const token = await this.session.accessToken(req);
    if (!token) throw new SignInRequired(req.method === 'GET' ? req.originalUrl : req.path);
    if (req.session.passwordChangeRequired && req.path !== CHANGE_PASSWORD_PATH)
      throw new PasswordChangeRequired();
    req.accessToken = token;
    return true;
  }
}

/** The signed-in person's access token, in a handler behind SignedInGuard. */
export const AccessToken = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const token = context.switchToHttp().getRequest<SignedInRequest>().accessToken;
  if (!token) throw new Error('AccessToken used on a handler without SignedInGuard');
  return token;
});

/**
 * Where to go after signing in: a path on this site only (never `//elsewhere` or a full URL, which
 * would make the sign-in page an open redirect).
 */
export function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500
    ? value
    : fallback;
}
