import type { INestApplication, Type } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi.document';

/** `/docs` for people (Swagger UI, served from here, no CDN) and `/docs/openapi.json` for machines. */
export function serveApiDocs(app: INestApplication, controllers: Type[], publicUrl: string): void {
  const document = buildOpenApiDocument(app, controllers, publicUrl);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    customSiteTitle: 'Berkas API',
    swaggerOptions: { persistAuthorization: false, tryItOutEnabled: false },
  });
}
