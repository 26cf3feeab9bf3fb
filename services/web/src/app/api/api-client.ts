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
  open(req: Request, path: string, token: string): Promise<Response> {
    return this.send(req, 'GET', path, { token, accept: '*/*' });
  }

  /**
   * POST a body that streams (a multipart upload) to `path`: no time limit, since a large file on a
   * slow phone takes as long as it takes; the API's answer parsed, or its refusal as ApiProblem.
   */
  async stream<T>(
    req: Request,
    path: string,
    token: string,
    body: AsyncIterable<Uint8Array>,
    contentType: string,
  ): Promise<T> {
    const res = await this.send(req, 'POST', path, { token, body, contentType, timeoutMs: null });
    return (await res.json()) as T;
  }

  /** PATCH a JSON body to `path` for the person making `req`. */
  async patch<T>(req: Request | undefined, path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>(req, 'PATCH', path, body, token);
  }

  /** PUT a JSON body to `path` for the person making `req`. */
  async put<T>(req: Request | undefined, path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>(req, 'PUT', path, body, token);
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
    const res = await this.send(req, method, path, {
      token,
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
    });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One request to the API as the person making `req`; a refusal or no answer comes back as ApiProblem. */
  private async send(
    req: Request | undefined,
    method: string,
    path: string,
    options: {
      token?: string;
      body?: string | AsyncIterable<Uint8Array>;
      contentType?: string;
      accept?: string;
      timeoutMs?: number | null;
    },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    // Without a person's request (the service's own upkeep), the gateway sees this service's address.
    if (req?.ip) headers['x-forwarded-for'] = req.ip;
    const requestId = RequestContext.current()?.requestId;
    if (requestId) headers[HEADERS.requestId] = requestId;
    if (options.contentType) headers['content-type'] = options.contentType;
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const timeoutMs = options.timeoutMs === undefined ? API_TIMEOUT_MS : options.timeoutMs;
    let res: Response;
    try {
      res = await fetch(`${this.env.apiUrl}/api/v1${path}`, {
        method,
        headers,
        body: options.body,
        // A streamed body is sent as it is read (undici's half duplex).
        ...(typeof options.body === 'object' ? { duplex: 'half' } : {}),
        ...(timeoutMs === null ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      });
    } catch {
      throw new ApiProblem(503, 'SERVICE_UNAVAILABLE', 'The API did not answer');
    }
    if (!res.ok) throw problemOf(res, await res.text());
    return res;
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
