import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import compression from 'compression';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { isGatewayPath, type WebEnv } from '@berkas/config';

/** The one inline script of GOV.UK Frontend's page template (it marks the body as JS-enabled). */
const FRONTEND_INLINE_SCRIPT = "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='";

/**
 * What every request meets before a page: on a single machine (SERVE_API), the gateway's paths go to
 * the gateway untouched, streamed both ways (an ingress does this in a cluster); then security
 * headers, compression, the static assets (cached a day), and small form bodies only.
 */
export function frontDoor(nestApp: INestApplication, env: WebEnv): void {
  const app = nestApp as NestExpressApplication;
  app.set('trust proxy', env.trustProxyHops);
  app.disable('x-powered-by');
  if (env.serveApi)
    app.use(
      createProxyMiddleware<Request>({
        target: env.apiUrl,
        pathFilter: (path) => isGatewayPath(path),
        on: {
          // The client as this service sees it (after its own trusted proxies), for the gateway's limits.
          proxyReq: (proxyReq, req) => proxyReq.setHeader('x-forwarded-for', req.ip ?? ''),
        },
      }),
    );
  // Pages, stylesheet and script go compressed: a phone on a slow connection pays for every byte.
  app.use(compression());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          scriptSrc: ["'self'", FRONTEND_INLINE_SCRIPT],
          styleSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          upgradeInsecureRequests: env.publicUrl.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: env.publicUrl.startsWith('https:'),
    }),
  );
  app.useStaticAssets(join(__dirname, '..', '..', 'assets'), {
    prefix: '/assets/',
    maxAge: '1d',
    index: false,
  });
  app.useBodyParser('urlencoded', { limit: '16kb', extended: false });
}
