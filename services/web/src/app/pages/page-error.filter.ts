import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { PageRenderer } from '../views/page-renderer';

/**
 * Whatever goes wrong becomes a page in the reader's language: the API's refusal in its own words,
 * "try again in N seconds" when a limit is reached (with Retry-After), "unavailable" when a backend
 * is down, and anything unexpected as a 500 with a reference to quote (logged, never shown).
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(private readonly pages: PageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const lang = langOf(req);
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
