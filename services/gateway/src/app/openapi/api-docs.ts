import type { INestApplication, Type } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildAsyncApiDocument } from './asyncapi.document';
import { buildOpenApiDocument } from './openapi.document';

/**
 * `/docs` for people (Swagger UI, served from here, no CDN), `/docs/openapi.json` for machines, and
 * beside it `/docs/asyncapi.json`: the events other systems may consume from NATS.
 */
export function serveApiDocs(app: INestApplication, controllers: Type[], publicUrl: string): void {
  const events = buildAsyncApiDocument();
  app
    .getHttpAdapter()
    .get('/docs/asyncapi.json', (_req: unknown, res: { json(body: unknown): void }) => res.json(events));
  const document = buildOpenApiDocument(app, controllers, publicUrl);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    customSiteTitle: 'Berkas API',
    swaggerOptions: { persistAuthorization: false, tryItOutEnabled: false },
  });
}
