// The pages' static files, built next to the compiled service: the stylesheet (GOV.UK Frontend's
// Sass with Berkas's colours and an open system typeface, only the components the pages use), the
// Frontend's script module, and the templates and message catalogues the service reads at run time.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as sass from 'sass';

const require = createRequire(import.meta.url);
const web = join(import.meta.dirname, '..');
const out = join(web, '..', '..', 'dist', 'services', 'web', 'services', 'web');
const frontend = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');

mkdirSync(join(out, 'assets'), { recursive: true });
const { css } = sass.compile(join(web, 'styles', 'berkas.scss'), {
  style: 'compressed',
  sourceMap: false,
  quietDeps: true,
  importers: [new sass.NodePackageImporter(web)],
});
writeFileSync(join(out, 'assets', 'berkas.css'), css);
copyFileSync(join(frontend, 'govuk-frontend.min.js'), join(out, 'assets', 'govuk-frontend.min.js'));
cpSync(join(web, 'assets'), join(out, 'assets'), { recursive: true });
for (const dir of ['views', 'locales']) cpSync(join(web, dir), join(out, dir), { recursive: true });
