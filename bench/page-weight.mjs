#!/usr/bin/env node
// What the pages cost a phone: bytes transferred (compressed, headers included) for a first visit
// (nothing cached) and as the next page of a visit (after the start page: the stylesheet and scripts
// come from the cache), with JavaScript on, in Debian's chromium. The budget: a page 60 KB on a first visit, 15 KB on the next.
// Usage: npm run bench -- page-weight
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const { ensureDemoFiles } = require('../scripts/lib/demo-files.cjs');
const demo = require('../services/identity/src/app/demo/demo-data.json');

const system = await startBerkas({ gateway: { LOG_LEVEL: 'error' }, web: { LOG_LEVEL: 'error' } });
const browser = await chromium.launch({
  executablePath: process.env.BERKAS_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const { inReview } = await ensureDemoFiles(system.gatewayUrl, demo);
  const pages = {
    'start page': '/',
    'tracking result (a file in review)': `/lacak?nomor=${inReview}`,
    'permit type with levy estimate': '/izin/REKLAME?boardArea=2&months=3&hitung=1',
  };
  /** Loads `path` in `page`; the bytes and requests it took. */
  const visitOn = async (page, path) => {
    const sizes = [];
    const count = (request) =>
      sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    page.on('requestfinished', count);
    await page.goto(`${system.webUrl}${path}`, { waitUntil: 'networkidle' });
    page.off('requestfinished', count);
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return { bytes, requests: sizes.length };
  };
  /**
   * Signs the context in and starts a practice-licence application through the forms, with the
   * context's request client (which shares its cookies but not its cache); answers the draft's path.
   */
  const signedInDraft = async (context) => {
    const csrfOf = (html) => /name="_csrf" value="([0-9a-f]+)"/.exec(html)[1];
    const form = await (await context.request.get(`${system.webUrl}/masuk`)).text();
    await context.request.post(`${system.webUrl}/masuk`, {
      form: { _csrf: csrfOf(form), username: demo.person.email, password: demo.password },
    });
    const start = await (await context.request.get(`${system.webUrl}/izin/SIP/ajukan`)).text();
    const draft = await context.request.post(`${system.webUrl}/izin/SIP/ajukan`, {
      form: { _csrf: csrfOf(start) },
      maxRedirects: 0,
    });
    return new URL(draft.headers()['location'], system.webUrl).pathname;
  };
  const signedIn = { 'question page (signed in, a draft)': (draft) => `${draft}/data/1` };
  const rows = [];
  for (const [label, path] of [...Object.entries(pages), ...Object.entries(signedIn)]) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const draft = typeof path === 'function' ? await signedInDraft(context) : null;
    const target = draft ? path(draft) : path;
    const page = await context.newPage();
    const first = await visitOn(page, target);
    await context.close();
    const warm = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const warmDraft = typeof path === 'function' ? await signedInDraft(warm) : null;
    const again = await warm.newPage();
    await again.goto(`${system.webUrl}${warmDraft ?? '/'}`, { waitUntil: 'networkidle' });
    const next = await visitOn(again, warmDraft ? path(warmDraft) : path);
    rows.push({ label, first, next });
    await warm.close();
  }
  const kb = (b) => (b / 1024).toFixed(1);
  console.log('\n| page | first visit KB (requests) | next visit KB (requests) |\n| --- | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.label} | ${kb(r.first.bytes)} (${r.first.requests}) | ${kb(r.next.bytes)} (${r.next.requests}) |`,
    );
} finally {
  await browser.close();
  await system.stop();
}
