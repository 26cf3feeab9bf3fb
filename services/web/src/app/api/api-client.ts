import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { WebEnv } from '@berkas/config';
import { HEADERS, type ErrorDetail } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

/** How long a page waits for the API before saying the service is unavailable. */
const API_TIMEOUT_MS = 10_000;

/** What the API answered instead of what was asked: its problem document (RFC 9457). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: ErrorDetail[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

/**
 * The pages reach every backend through the gateway's JSON API, the same contract any integrator
 * uses, and only as the person in front of them: anonymously on public pages, with their own token
 * once signed in. Never with more rights than the person has. The client's address goes along, so
 * the API's per-client limits count people, not this service.
 */
@Injectable()
export class ApiClient {
  constructor(private readonly env: WebEnv) {}

  /** GET `path` (under /api/v1) for the person making `req`; an API error comes back as ApiProblem. */
  async get<T>(req: Request | undefined, path: string, token?: string): Promise<T> {
    return this.call<T>(req, 'GET', path, undefined, token);
  }

  /** POST a JSON body to `path` for the person making `req`. */
  async post<T>(req: Request | undefined, path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>(req, 'POST', path, body, token);
  }

  /** GET bytes (a PDF) at `path` for the person making `req`: the API's response, to stream on. */
  async open(req: Request, path: string, token: string): Promise<globalThis.Response> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.env.apiUrl}/api/v1${path}`, {
        headers: { authorization: `Bearer ${token}`, ...(req.ip ? { 'x-forwarded-for': req.ip } : {}) },
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch {
      throw new ApiProblem(503, 'SERVICE_UNAVAILABLE', 'The API did not answer');
    }
    if (!res.ok) throw problemOf(res, await res.text());
    return res;
  }

  /** PATCH a JSON body to `path` for the person making `req`. */
  async patch<T>(req: Request | undefined, path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>(req, 'PATCH', path, body, token);
  }

  /** DELETE `path` for the person making `req`. */
  async delete<T>(req: Request | undefined, path: string, token?: string): Promise<T> {
    return this.call<T>(req, 'DELETE', path, undefined, token);
  }

  private async call<T>(
    req: Request | undefined,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // Without a person's request (the service's own upkeep), the gateway sees this service's address.
    if (req?.ip) headers['x-forwarded-for'] = req.ip;
    const requestId = RequestContext.current()?.requestId;
    if (requestId) headers[HEADERS.requestId] = requestId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`${this.env.apiUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch {
      throw new ApiProblem(503, 'SERVICE_UNAVAILABLE', 'The API did not answer');
    }
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    throw problemOf(res, text);
  }
}

/** The API's problem document, as an ApiProblem (Retry-After kept). */
function problemOf(res: Response, text: string): ApiProblem {
  let problem: { code?: string; detail?: string; errors?: ErrorDetail[] } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // not a problem document (a proxy's error page): the status still says what happened
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new ApiProblem(
    res.status,
    problem.code ?? 'UPSTREAM_ERROR',
    problem.detail ?? res.statusText,
    problem.errors,
    retryAfter > 0 ? retryAfter : undefined,
  );
}
