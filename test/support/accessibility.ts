import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** The pages already checked in this file's run: a page is its address's shape and what it shows. */
const checked = new Set<string>();

/**
 * What makes one page another for accessibility: the path with its ids, tracking numbers and
 * dates as placeholders, which query parameters it has, whether it reports errors or a notice,
 * and whether scripts run. A file's page seen again after another action is the same page.
 */
async function shapeOf(target: Page, javaScriptEnabled: boolean): Promise<string> {
  const url = new URL(target.url());
  const path = url.pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id')
    .replace(/\d{4}-\d{2}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]/gi, ':number')
    .replace(/\d+/g, ':n');
  const states = await target.evaluate(() =>
    ['.govuk-error-summary', '.govuk-notification-banner', '.govuk-panel', 'table', 'form']
      .map((s) => `${s}:${document.querySelectorAll(s).length}`)
      .join(','),
  );
  return `${javaScriptEnabled}|${path}|${[...url.searchParams.keys()].sort().join('&')}|${states}`;
}

/**
 * axe on the page as the reader has it: no WCAG 2.2 AA violation, and the checks that matter ran.
 * Each distinct page is checked once per run (see shapeOf), not again each time a journey returns.
 * axe is itself a script, and waits on timers that never fire with JavaScript off; so with it off,
 * the page's HTML as the reader got it (a POST's answer too) is opened at its own address in a
 * context that may run axe, its stylesheet from the server, its script files refused and the
 * template's script line undone: the page as a browser without JavaScript shows it.
 */
export async function expectAccessiblePage(
  browser: Browser,
  javaScriptEnabled: boolean,
  target: Page,
): Promise<void> {
  const shape = await shapeOf(target, javaScriptEnabled);
  if (checked.has(shape)) return;
  checked.add(shape);
  let page = target;
  let checker: BrowserContext | undefined;
  if (!javaScriptEnabled) {
    checker = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
    page = await checker.newPage();
    const html = await target.content();
    await page.route('**/*', (route) => {
      const request = route.request();
      if (request.resourceType() === 'script') return route.abort();
      if (request.isNavigationRequest())
        return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
      return route.continue();
    });
    await page.goto(target.url());
    await page.evaluate(() => document.body.classList.remove('js-enabled', 'govuk-frontend-supported'));
  }
  try {
    const { violations, passes } = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(' | ')})`)).toEqual(
      [],
    );
    expect(passes.map((p) => p.id)).toEqual(
      expect.arrayContaining(['color-contrast', 'html-has-lang', 'document-title']),
    );
  } finally {
    await checker?.close();
  }
}

/** Debian's Chromium, as CI runs it (root, so no sandbox). */
export const CHROMIUM = {
  executablePath: process.env['BERKAS_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
};
