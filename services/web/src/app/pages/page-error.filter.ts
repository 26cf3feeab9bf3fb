import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { CsrfRefused } from '../sessions/csrf';
import { PersonSession } from '../sessions/person-session';
import { CHANGE_PASSWORD_PATH, PasswordChangeRequired, SignInRequired } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

/**
 * Whatever goes wrong becomes a page in the reader's language: a page that needs a signed-in person
 * sends the reader to sign in (and back afterwards), the API's refusal in its own words,
 * "try again in N seconds" when a limit is reached (with Retry-After), "unavailable" when a backend
 * is down, and anything unexpected as a 500 with a reference to quote (logged, never shown).
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(
    private readonly pages: PageRenderer,
    private readonly session: PersonSession,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const lang = langOf(req);
    // The API no longer honours the sign-in (signed out elsewhere, password changed): sign in again.
    if (exception instanceof ApiProblem && exception.status === 401 && req.session?.signInId) {
      await this.session.forget(req);
      exception = new SignInRequired(req.method === 'GET' ? req.originalUrl : req.path);
    }
    if (exception instanceof SignInRequired) {
      if (!res.headersSent) res.redirect(303, hrefIn(lang, '/masuk', { next: exception.returnTo }));
      return;
    }
    if (exception instanceof PasswordChangeRequired) {
      if (!res.headersSent) res.redirect(303, hrefIn(lang, CHANGE_PASSWORD_PATH));
      return;
    }
    let status = 500;
    let message = translate(lang, 'errors.unavailable');
    let reference: string | undefined;
    if (exception instanceof ApiProblem) {
      status = exception.status;
      if (status === 429) {
        const seconds = exception.retryAfterSeconds ?? 60;
        res.setHeader('Retry-After', String(seconds));
        message = translate(lang, 'errors.tooMany', { seconds });
      } else if (status >= 500) {
        res.setHeader('Retry-After', '5');
      } else message = exception.message;
    } else if (exception instanceof CsrfRefused) {
      status = 403;
      message = translate(lang, 'errors.formExpired');
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      message = status === 404 ? translate(lang, 'errors.notFound') : exception.message;
    } else {
      reference = randomUUID();
      this.logger.error(
        { reference, error: String(exception), stack: (exception as Error)?.stack },
        'page failed',
      );
    }
    if (res.headersSent) return;
    this.pages.send(req, res, 'pages/error', { message, reference }, status);
  }
}
