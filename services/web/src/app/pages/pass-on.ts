import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';

/** A document the API answered, passed on to the browser as it streams (never held whole here). */
export async function passOn(from: globalThis.Response, res: Response): Promise<void> {
  res.setHeader('Content-Type', from.headers.get('content-type') ?? 'application/octet-stream');
  const length = from.headers.get('content-length');
  if (length) res.setHeader('Content-Length', length);
  res.setHeader('Content-Disposition', from.headers.get('content-disposition') ?? 'inline');
  res.setHeader('Cache-Control', 'private, no-store');
  if (!from.body) return void res.end();
  await pipeline(from.body, res);
}
