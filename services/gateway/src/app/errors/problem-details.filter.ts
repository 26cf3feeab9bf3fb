import { randomUUID } from 'node:crypto';
import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, type ErrorDetail } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: ErrorDetail[];
}

const TYPE_BASE = 'https://berkas.id/problems/';

const logger = new Logger('Http');

/** Writes `exception` as a problem document; also used by middleware that runs before the filters. */
export function sendProblem(req: Request, res: Response, exception: unknown): void {
  const problem = toProblem(exception, req.originalUrl ?? req.url);
  res.locals['problem'] = problem.code; // the access log line names it
  const retryAfter = exception instanceof AppError ? exception.retryAfterSeconds : undefined;
  if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
  else if (problem.status === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('Retry-After', '5');
  res.status(problem.status).type('application/problem+json').json(problem);
}

/**
 * Every error leaves the gateway as an RFC 9457 problem document. Expected failures (AppError from a
 * service, Nest's HTTP errors) keep their status; anything else is a 500 with an error id to quote.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<Request>(), http.getResponse<Response>(), exception);
  }
}

function toProblem(exception: unknown, instance: string): ProblemDetails {
  const requestId = RequestContext.current()?.requestId;
  if (exception instanceof AppError) {
    return {
      type: `${TYPE_BASE}${exception.code.toLowerCase().replace(/_/g, '-')}`,
      title: HttpStatus[exception.status]?.replace(/_/g, ' ').toLowerCase() ?? 'error',
      status: exception.status,
      detail: exception.message,
      instance,
      code: exception.code,
      requestId,
      ...(exception.details ? { errors: exception.details } : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = (HttpStatus[status] ?? 'HTTP_ERROR').toString();
    return {
      type: `${TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`,
      title: code.replace(/_/g, ' ').toLowerCase(),
      status,
      detail: exception.message,
      instance,
      code,
      requestId,
    };
  }
  const errorId = randomUUID();
  logger.error({ err: exception, errorId }, 'unhandled error');
  return {
    type: `${TYPE_BASE}internal`,
    title: 'internal server error',
    status: 500,
    detail: `Something went wrong on our side. Quote reference ${errorId} when you report it.`,
    instance,
    code: 'INTERNAL',
    requestId,
  };
}
