import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { bearer, demo, officer, people, type Api } from './support/api';
import { CHROMIUM, expectAccessiblePage } from './support/accessibility';
import { startSystem, type RunningSystem } from './support/system';

jest.setTimeout(300_000);

/** Where each page is photographed, to be looked at for layout problems. */
/** Where screenshots go for a person to look at (`SHOTS=tmp/screens`), as in the other page specs; none in CI. */
const SCREENS = process.env['SHOTS'];

/** The link secret the services use when none is set (as in these tests): to sign a link to no message. */
const DEVELOPMENT_LINK_SECRET = 'dev-only-notification-link-secret-change-me';

/**
 * How people choose what they hear, and see what they were told, in a real browser (Debian's
 * chromium, JavaScript off and on, axe on every page): a citizen registered by phone consents to
 * WhatsApp on their account, sees the WhatsApp message about their file on its page with its status,
 * stops WhatsApp from the link at the end of that message without signing in (opening the link
 * changes nothing), and their account then says so; a mistyped or forged link is a plain 400 or 404
 * page; an officer sees on the file's page what its applicant and its officers were sent, and chooses
 * the daily digest.
 */
describe('notification pages in a real browser', () => {
  let system: RunningSystem;
  let browser: Browser;
  let api: Api;
  let the: ReturnType<typeof people>;

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

  /** Registers a person by phone only (the code comes by SMS); answers their API token. */
  const registerByPhone = async (name: string, phone: string, nik: string, password: string) => {
    await api.post('/api/v1/auth/register').send({ kind: 'person', name, phone, nik, password }).expect(202);
    const code = await waitFor(
      async () => /\b(\d{6})\b/.exec((await system.sms.messages(phone))[0]?.body ?? '')?.[1] ?? null,
      10000,
    );
    await api.post('/api/v1/auth/register/confirm').send({ login: phone, code }).expect(201);
    return the.signIn(phone, password);
  };

  const preferencesOf = async (token: string) =>
    (await api.get('/api/v1/me/notifications').set(bearer(token)).expect(200)).body as {
      digest: boolean;
      consents: Record<'whatsapp' | 'sms', { given: boolean; at: string | null; how: string | null }>;
    };

  describe.each([
    ['JavaScript off', false],
    ['JavaScript on', true],
  ])('%s', (_label, javaScriptEnabled) => {
    let context: BrowserContext;
    let page: Page;
    const mode = javaScriptEnabled ? 'js' : 'nojs';

    /** A phone-sized window of its own: a person's browser. */
    const newPhone = () =>
      browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID', javaScriptEnabled });

    beforeEach(async () => {
      context = await newPhone();
      page = await context.newPage();
    });
    afterEach(() => context?.close());

    const expectAccessible = (target: Page = page) =>
      expectAccessiblePage(browser, javaScriptEnabled, target);

    /** The whole page as the phone shows it, then (with JavaScript on) on a wide screen too. */
    const screenshot = async (target: Page, name: string) => {
      if (!SCREENS) return;
      await target.screenshot({ path: join(SCREENS, `notif-${name}-${mode}.png`), fullPage: true });
      if (!javaScriptEnabled) return;
      await target.setViewportSize({ width: 1100, height: 800 });
      await target.screenshot({ path: join(SCREENS, `notif-${name}-wide.png`), fullPage: true });
      await target.setViewportSize({ width: 360, height: 740 });
    };

    const fitsThePhone = (target: Page) =>
      target.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    const signIn = async (
      target: Page,
      username: string,
      password: string,
      landsOn: RegExp,
      next?: string,
    ) => {
      await target.goto(`${system.webUrl}/masuk${next ? `?next=${encodeURIComponent(next)}` : ''}`);
      await target.fill('#username', username);
      await target.fill('#password', password);
      await Promise.all([
        target.waitForURL(landsOn),
        target.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
    };

    it('a citizen consents to WhatsApp, sees the message about their file, stops it from the link in it, and an officer sees who was told what', async () => {
      const phone = javaScriptEnabled ? '+6281366001002' : '+6281366001001';
      const typedPhone = javaScriptEnabled ? '0813 6600 1002' : '0813 6600 1001';
      const masked = `${phone.slice(0, 6)}****${phone.slice(-4)}`;
      const password = 'talas bogor enak sekali';
      const token = await registerByPhone(
        'Sari Wulandari',
        phone,
        javaScriptEnabled ? '3271045305900014' : '3271045205900013',
        password,
      );

      // Signed in through the pages, the account leads to how she hears from Berkas.
      await signIn(page, typedPhone, password, /\/akun$/);
      await Promise.all([page.waitForURL(/\/akun\/pemberitahuan$/), page.click('#notifications-link')]);
      await expect(page.locator('h1').textContent()).resolves.toBe('Cara Anda menerima pemberitahuan');
      await expect(page.locator('#address-phone').textContent()).resolves.toContain(phone);
      await expect(page.locator('#address-email').textContent()).resolves.toBe('Tidak ada');
      await expect(page.locator('#saluran-item-hint').textContent()).resolves.toContain(
        'Belum pernah Anda berikan.',
      );
      await expect(page.locator('#required-notices').textContent()).resolves.toContain(
        'tanda terima permohonan, pengembalian untuk perbaikan, tagihan retribusi, dan keputusan',
      );
      expect(await page.locator('input[name="ringkasan"]').count()).toBe(0); // officers only
      expect(await page.isChecked('#bahasa')).toBe(true); // Bahasa Indonesia, until she chooses
      expect(await fitsThePhone(page)).toBe(true);
      await screenshot(page, 'preferences');
      await expectAccessible();

      // She consents to WhatsApp: saved, said so, and the box says when and where she gave it.
      await page.check('#saluran'); // WhatsApp, the first channel
      await Promise.all([
        page.waitForURL(/\/akun\/pemberitahuan\?disimpan=1$/),
        page.getByRole('button', { name: 'Simpan pilihan' }).click(),
      ]);
      await expect(page.locator('#saved').textContent()).resolves.toContain('sudah disimpan');
      expect(await page.isChecked('#saluran')).toBe(true);
      expect(await page.isChecked('#saluran-2')).toBe(false);
      await expect(page.locator('#saluran-item-hint').textContent()).resolves.toMatch(
        /Diberikan pada .+, di halaman akun Anda\./,
      );
      // SMS, left as it was, is still never given: no withdrawal is recorded that did not happen.
      await expect(page.locator('#saluran-2-item-hint').textContent()).resolves.toContain(
        'Belum pernah Anda berikan.',
      );
      expect((await preferencesOf(token)).consents).toMatchObject({
        whatsapp: { given: true, how: 'account' },
        sms: { given: false, at: null, how: null },
      });
      await screenshot(page, 'preferences-saved');
      await expectAccessible();

      // Her file is sent; WhatsApp tells her, and the file's page lists the message and where it stands.
      const { id, trackingNumber } = await the.submittedSip(token);
      const sent = await waitFor(async () => (await system.whatsapp.messages(phone))[0] ?? null, 20000);
      expect(sent.template!.parameters[1]).toBe(trackingNumber);
      await page.goto(`${system.webUrl}/permohonan/${id}`);
      expect(new URL(page.url()).pathname).toBe(`/permohonan/${id}/status`);
      const whatsappRow = page.locator('#messages tbody tr', { hasText: 'WhatsApp' });
      const rowText = await waitFor(
        async () => {
          await page.reload();
          const text = (await whatsappRow.count()) ? await whatsappRow.first().textContent() : '';
          return text && /Terkirim|Dibaca/.test(text) ? text.replace(/\s+/g, ' ') : null;
        },
        20000,
        500,
      );
      expect(rowText).toContain('Permohonan diterima');
      expect(rowText).toContain('Sari Wulandari');
      expect(rowText).toContain(masked);
      expect(rowText).not.toContain(phone); // masked, never the whole number
      expect(rowText).not.toMatch(/pemohon|petugas/); // whom it went to is for officers
      await expect(page.locator('#pemberitahuan-title').textContent()).resolves.toBe(
        'Pemberitahuan terkirim',
      );
      expect(await page.getAttribute('#preferences-link', 'href')).toBe('/akun/pemberitahuan');
      expect(await fitsThePhone(page)).toBe(true);
      await screenshot(page, 'file-applicant');
      await expectAccessible();

      // The link at the end of the WhatsApp message, opened on her phone where she is not signed in.
      const stopLink = sent.template!.parameters.at(-1)!;
      expect(stopLink.startsWith(`${system.webUrl}/berhenti/`)).toBe(true);
      const onHerPhone = await newPhone();
      try {
        const phonePage = await onHerPhone.newPage();
        const opened = await phonePage.goto(stopLink);
        expect(opened?.status()).toBe(200);
        expect(opened?.headers()['cache-control']).toBe('no-store');
        await expect(phonePage.locator('h1').textContent()).resolves.toBe(
          'Berhenti menerima pesan WhatsApp atau SMS',
        );
        await expect(phonePage.locator('#still-required').textContent()).resolves.toContain('SMS atau email');
        // Opening it (as a link scanner does) changed nothing.
        expect((await preferencesOf(token)).consents.whatsapp.given).toBe(true);
        expect(await fitsThePhone(phonePage)).toBe(true);
        await screenshot(phonePage, 'stop');
        await expectAccessible(phonePage);

        await Promise.all([
          phonePage.waitForURL(/\/berhenti\/[^?]+\?selesai=1$/),
          phonePage.getByRole('button', { name: 'Berhenti menerima pesan ini' }).click(),
        ]);
        await expect(phonePage.locator('#stopped').textContent()).resolves.toBe(
          `Anda tidak akan lagi menerima pesan WhatsApp di ${masked}.`,
        );
        expect((await preferencesOf(token)).consents.whatsapp).toMatchObject({
          given: false,
          how: 'message-link',
        });
        await screenshot(phonePage, 'stop-done');
        await expectAccessible(phonePage);
        // A refresh shows the same answer and posts nothing; its link leads to signing in, then her choices.
        await phonePage.reload();
        await expect(phonePage.locator('#stopped').textContent()).resolves.toContain(masked);
        await Promise.all([phonePage.waitForURL(/\/masuk\?next=/), phonePage.click('#manage-link')]);
        expect(new URL(phonePage.url()).searchParams.get('next')).toBe('/akun/pemberitahuan');
      } finally {
        await onHerPhone.close();
      }

      // Her account says WhatsApp was withdrawn from a message's link, and when.
      await page.goto(`${system.webUrl}/akun/pemberitahuan`);
      expect(await page.isChecked('#saluran')).toBe(false);
      await expect(page.locator('#saluran-item-hint').textContent()).resolves.toMatch(
        /Ditarik pada .+, lewat tautan di pesan\./,
      );
      await screenshot(page, 'preferences-withdrawn');
      await expectAccessible();
      await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
      await expect(page.locator('h1').textContent()).resolves.toBe('How you hear from Berkas');
      await expect(page.locator('#saluran-item-hint').textContent()).resolves.toMatch(
        /Withdrawn on .+, from a message link\./,
      );
      await expectAccessible();

      // The front office sees on the file's page what the applicant and the officers were sent.
      const desk = await newPhone();
      try {
        const deskPage = await desk.newPage();
        const frontOffice = officer('DPMPTSP', 'front-office');
        await signIn(deskPage, frontOffice, demo.password, /\/meja\/berkas\//, `/meja/berkas/${id}`);
        await expect(deskPage.locator('#pemberitahuan-title').textContent()).resolves.toBe(
          'Pemberitahuan terkirim',
        );
        const rows = (await deskPage.locator('#messages tbody tr').allTextContents()).map((r) =>
          r.replace(/\s+/g, ' '),
        );
        expect(rows.some((r) => /Permohonan diterima.*Sari Wulandari \(pemohon\).*WhatsApp/.test(r))).toBe(
          true,
        );
        expect(rows.some((r) => /Tugas baru di antrean petugas.*\(petugas\).*Email/.test(r))).toBe(true);
        expect(await deskPage.locator('#preferences-link').count()).toBe(0);
        expect(await fitsThePhone(deskPage)).toBe(true);
        await screenshot(deskPage, 'file-officer');
        await expectAccessible(deskPage);

        // Officers choose one daily digest instead of a message per task.
        await deskPage.goto(`${system.webUrl}/akun/pemberitahuan`);
        await expect(deskPage.locator('#required-notices').textContent()).resolves.toContain('email');
        await deskPage.check('#ringkasan');
        await Promise.all([
          deskPage.waitForURL(/disimpan=1$/),
          deskPage.getByRole('button', { name: 'Simpan pilihan' }).click(),
        ]);
        expect(await deskPage.isChecked('#ringkasan')).toBe(true);
        const officerToken = await the.signIn(frontOffice);
        expect((await preferencesOf(officerToken)).digest).toBe(true);
        await screenshot(deskPage, 'preferences-officer');
        await expectAccessible(deskPage);
        // And back to a message per task (the next run's file is told to the front office at once).
        await deskPage.uncheck('#ringkasan');
        await Promise.all([
          deskPage.waitForURL(/disimpan=1$/),
          deskPage.getByRole('button', { name: 'Simpan pilihan' }).click(),
        ]);
        const officerPreferences = await preferencesOf(officerToken);
        expect(officerPreferences.digest).toBe(false);
        // Saving the digest twice recorded nothing about WhatsApp or SMS, which the officer never touched.
        expect(officerPreferences.consents.whatsapp.at).toBeNull();
        expect(officerPreferences.consents.sms.at).toBeNull();
      } finally {
        await desk.close();
      }
    });

    it('says plainly when a stop link is mistyped, forged or leads to no message: a 400 or 404 page, never a 500', async () => {
      // Not even the shape of a link Berkas writes: refused at once.
      const mistyped = await page.goto(`${system.webUrl}/berhenti/bukan%20tautan`);
      expect(mistyped?.status()).toBe(400);
      await expect(page.locator('h1').textContent()).resolves.toBe('Tautan ini tidak dapat dipakai');
      expect(await page.title()).toMatch(/^Kesalahan: /);
      await screenshot(page, 'stop-invalid');
      await expectAccessible();

      // The right shape, but not signed by Berkas: the API refuses it once the button is pressed.
      const forged = await page.goto(`${system.webUrl}/berhenti/${randomUUID()}.AAAAAAAAAAAAAAAAAAAAAA`);
      expect(forged?.status()).toBe(200);
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/berhenti/')),
        page.getByRole('button', { name: 'Berhenti menerima pesan ini' }).click(),
      ]);
      expect(refused.status()).toBe(400);
      await page.waitForLoadState();
      await expect(page.locator('h1').textContent()).resolves.toBe('Tautan ini tidak dapat dipakai');

      // Signed as Berkas signs them, for a message that does not exist.
      const nobody = randomUUID();
      const mac = createHmac('sha256', DEVELOPMENT_LINK_SECRET)
        .update(`withdraw:${nobody}`)
        .digest('base64url')
        .slice(0, 22);
      await page.goto(`${system.webUrl}/berhenti/${nobody}.${mac}`);
      const [unknown] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/berhenti/')),
        page.getByRole('button', { name: 'Berhenti menerima pesan ini' }).click(),
      ]);
      expect(unknown.status()).toBe(404);
      await page.waitForLoadState();
      await expect(page.locator('h1').textContent()).resolves.toBe('Pesan untuk tautan ini tidak ditemukan');
      await expect(page.locator('#stop-problem').textContent()).resolves.toContain('tidak ada yang diubah');
      await screenshot(page, 'stop-unknown');
      await expectAccessible();
    });
  });
});
