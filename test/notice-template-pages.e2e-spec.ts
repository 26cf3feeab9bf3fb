import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { demo, officer, people, type Api } from './support/api';
import { CHROMIUM, expectAccessiblePage } from './support/accessibility';
import { startSystem, type RunningSystem } from './support/system';

jest.setTimeout(300_000);

/** Where each page is photographed, to be looked at for layout problems. */
/** Where screenshots go for a person to look at (`SHOTS=tmp/screens`), as in the other page specs; none in CI. */
const SCREENS = process.env['SHOTS'];

/**
 * The notices' wording as the city's system-admin edits it, in a real browser (Debian's chromium,
 * JavaScript off and on, axe on every page): from the admin pages to the list of notices, a notice's
 * Indonesian wording changed in its form, refused with the reasons by field (GOV.UK's error summary
 * and inline messages), saved as a draft and previewed filled in with examples, published after a
 * confirmation, and the next applicant who submits is told in the new words; an officer who is no
 * system-admin is refused the pages.
 */
describe('notice template pages in a real browser', () => {
  let system: RunningSystem;
  let browser: Browser;
  let api: Api;
  let the: ReturnType<typeof people>;
  const admin = demo.staff.find((s) => s.roles.includes('system-admin'))!;
  const sitiPhone = `+62${demo.person.phone.replace(/\D/g, '').slice(1)}`;

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    the = people(api);
    browser = await chromium.launch(CHROMIUM);
    if (SCREENS) mkdirSync(SCREENS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  describe.each([
    ['JavaScript off', false],
    ['JavaScript on', true],
  ])('%s', (_label, javaScriptEnabled) => {
    let context: BrowserContext;
    let page: Page;
    const mode = javaScriptEnabled ? 'js' : 'nojs';

    beforeEach(async () => {
      context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        locale: 'id-ID',
        javaScriptEnabled,
      });
      page = await context.newPage();
    });
    afterEach(() => context?.close());

    const expectAccessible = () => expectAccessiblePage(browser, javaScriptEnabled, page);
    const fitsThePhone = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    /** The whole page as the phone shows it, then (with JavaScript on) on a wide screen too. */
    const screenshot = async (name: string) => {
      if (!SCREENS) return;
      await page.screenshot({ path: join(SCREENS, `templates-${name}-${mode}.png`), fullPage: true });
      if (!javaScriptEnabled) return;
      await page.setViewportSize({ width: 1100, height: 800 });
      await page.screenshot({ path: join(SCREENS, `templates-${name}-wide.png`), fullPage: true });
      await page.setViewportSize({ width: 360, height: 740 });
    };
    const text = async (selector: string) =>
      ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
    /** Types the wording of the fields given, in place of what the form held. */
    const fill = async (wording: Record<string, string>) => {
      for (const [field, value] of Object.entries(wording)) await page.fill(`#${field}`, value);
    };
    const signIn = async (username: string, landsOn: RegExp) => {
      await page.goto(`${system.webUrl}/masuk`);
      await page.fill('#username', username);
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(landsOn),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
    };

    it('a system-admin changes what applicants are told when they submit: refused with reasons, previewed, published, used', async () => {
      const marker = `UJI-${mode.toUpperCase()}`;
      await signIn(admin.email, /\/meja$/);
      // From the desk to the admin pages, and on to the notices' wording.
      await Promise.all([page.waitForURL(/\/kelola\/pegawai$/), page.click('#manage-link')]);
      await Promise.all([page.waitForURL(/\/kelola\/templat$/), page.click('#admin-templat')]);
      await expect(text('h1')).resolves.toBe('Templat pemberitahuan');
      await expect(text('#notice-submitted')).resolves.toMatch(
        /^Permohonan diterima Wajib .*Versi \d+ dipakai/,
      );
      expect(await page.locator('#templates-applicant tbody tr').count()).toBe(8);
      expect(await page.locator('#templates-staff tbody tr').count()).toBe(6);
      expect(await fitsThePhone()).toBe(true);
      await screenshot('list');
      await expectAccessible();

      await Promise.all([
        page.waitForURL(/\/kelola\/templat\/submitted\/id$/),
        page.click('#edit-submitted-id'),
      ]);
      await expect(text('h1')).resolves.toBe('Permohonan diterima');
      await expect(text('#editing')).resolves.toMatch(/Anda mengubah versi \d+, yang sedang dipakai/);
      await expect(page.inputValue('#sms')).resolves.toContain('{{stopLink}}');
      await expect(text('#whatsapp-hint')).resolves.toContain(
        'templat berkas_diterima yang terdaftar di Meta: memakai tepat {{permitType}}, {{trackingNumber}}, {{link}}, {{stopLink}}',
      );
      expect(await fitsThePhone()).toBe(true);
      await screenshot('edit');
      await expectAccessible();

      // A section in the email and no stop link in the SMS: refused, each said by its field.
      await fill({
        email: 'Yth. {{name}},\n{{#permitType}}Izin Anda{{/permitType}} diterima.\n{{preferencesLink}}',
        sms: `Berkas ${marker}: permohonan {{permitType}} diterima, no. lacak {{trackingNumber}}.`,
      });
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/kelola/templat/')),
        page.getByRole('button', { name: 'Pratinjau' }).click(),
      ]);
      expect(refused.status()).toBe(400);
      await page.waitForLoadState();
      expect(await page.title()).toMatch(/^Kesalahan: /);
      const summary = await text('.govuk-error-summary');
      expect(summary).toContain(
        'Hapus {{#permitType}} dari isi email: templat hanya boleh menyisipkan variabel, seperti {{trackingNumber}}',
      );
      expect(summary).toContain('Sertakan {{stopLink}} di teks SMS: setiap pesan wajib memuat tautan itu');
      await expect(text('#sms-error')).resolves.toBe(
        'Kesalahan: Sertakan {{stopLink}} di teks SMS: setiap pesan wajib memuat tautan itu',
      );
      expect(await page.getAttribute('.govuk-error-summary a[href="#sms"]', 'href')).toBe('#sms');
      // What was typed stays in the form, to be fixed rather than typed again.
      await expect(page.inputValue('#sms')).resolves.toContain(marker);
      await screenshot('refused');
      await expectAccessible();

      // Fixed, saved as a draft and shown filled in with the examples: nothing sent yet.
      await fill({
        email:
          'Yth. {{name}},\n\nPermohonan {{permitType}} Anda diterima: {{trackingNumber}}.\n\n{{preferencesLink}}',
        sms: `Berkas ${marker}: permohonan {{permitType}} diterima, no. lacak {{trackingNumber}}. {{link}} Stop: {{stopLink}}`,
      });
      await Promise.all([
        page.waitForURL(/\/kelola\/templat\/submitted\/id\/pratinjau\?versi=\d+$/),
        page.getByRole('button', { name: 'Pratinjau' }).click(),
      ]);
      const version = new URL(page.url()).searchParams.get('versi')!;
      await expect(text('h1')).resolves.toBe(`Pratinjau versi ${version}`);
      await expect(text('#sms-body')).resolves.toMatch(
        new RegExp(
          `^Berkas ${marker}: permohonan Surat Izin Praktik Bidan diterima, no\\. lacak 3271-26-7K4Q-X9M2-H\\. http\\S+ Stop: http\\S+/berhenti/\\S+$`,
        ),
      );
      await expect(text('#email-preview')).resolves.toContain('Yth. Siti Aminah,');
      await expect(text('#sms-length')).resolves.toMatch(/^\d+ karakter dari paling banyak 480\.$/);
      await expect(text('#whatsapp-parameters')).resolves.toContain(
        '{{trackingNumber}}: 3271-26-7K4Q-X9M2-H',
      );
      expect(await fitsThePhone()).toBe(true);
      await screenshot('preview');
      await expectAccessible();

      // Publishing asks first, and says what follows.
      await Promise.all([page.waitForURL(/\/terbitkan\?versi=\d+$/), page.click('#publish')]);
      await expect(text('h1')).resolves.toBe(`Terbitkan versi ${version}?`);
      await expect(text('.govuk-warning-text')).resolves.toContain(
        'Versi yang sudah terbit tidak dapat diubah',
      );
      await screenshot('confirm');
      await expectAccessible();
      await Promise.all([
        page.waitForURL(new RegExp(`/kelola/templat/submitted/id\\?diterbitkan=${version}$`)),
        page.getByRole('button', { name: 'Ya, terbitkan' }).click(),
      ]);
      await expect(text('#done')).resolves.toContain(`Versi ${version} sudah terbit.`);
      await expect(text(`#version-${version}`)).resolves.toMatch(
        new RegExp(`^Versi ${version} Dipakai .*Hendra Wijaya`),
      );
      await expect(text('#version-1')).resolves.toContain('Berkas');
      expect(await fitsThePhone()).toBe(true);
      await screenshot('published');
      await expectAccessible();

      // The next applicant who submits is told in the new words (Siti gave a phone: the receipt comes by SMS).
      const citizen = await the.signIn(demo.person.email);
      const { trackingNumber } = await the.submittedSip(citizen);
      const sms = await waitFor(
        async () =>
          (await system.sms.messages(sitiPhone)).find((m) => m.body.includes(trackingNumber)) ?? null,
        20000,
      );
      expect(sms.body).toMatch(
        new RegExp(`^Berkas ${marker}: permohonan .+ diterima, no\\. lacak ${trackingNumber}\\.`),
      );
    });

    it('refuses the pages to an officer who is no system-admin, and shows them no link to them', async () => {
      await signIn(officer('DLH', 'agency-admin'), /\/meja$/);
      await page.goto(`${system.webUrl}/kelola/pegawai`);
      expect(await page.locator('#admin-templat').count()).toBe(0);
      const answer = await page.goto(`${system.webUrl}/kelola/templat/submitted/id`);
      expect(answer?.status()).toBe(403);
      await expect(text('main')).resolves.toContain('Templat pemberitahuan diubah oleh admin sistem.');
      await screenshot('refused-officer');
      await expectAccessible();
      // Nor does the API let them, nor a front-office officer.
      for (const who of [officer('DLH', 'agency-admin'), officer('DPMPTSP', 'front-office')])
        await api
          .get('/api/v1/notification-templates')
          .set('authorization', `Bearer ${await the.signIn(who)}`)
          .expect(403);
    });
  });
});
