import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import {
  bearer,
  codeMailedTo,
  demo,
  ensureDemoFiles,
  officer,
  PDF,
  people,
  PNG,
  SIP_FORM,
} from './support/api';
import { CHROMIUM, expectAccessiblePage } from './support/accessibility';
import { startSystem, type RunningSystem } from './support/system';

/**
 * The pages as a citizen on a phone uses them: Debian's chromium, driven by playwright-core, once
 * with JavaScript off (every journey must work without it) and once with it on.
 */
describe('public pages in a real browser', () => {
  let system: RunningSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let files: { inReview: string; issued: string };
  let verificationPath: string;

  beforeAll(async () => {
    system = await startSystem();
    files = await ensureDemoFiles(system.gatewayUrl, demo);
    const api = request(system.gatewayUrl);
    const token = (
      await api
        .post('/api/v1/auth/login')
        .send({ username: demo.person.email, password: demo.password })
        .expect(200)
    ).body.accessToken;
    const mine = (await api.get('/api/v1/applications').set('authorization', `Bearer ${token}`).expect(200))
      .body;
    const issued = mine.items.find((a: { status: string }) => a.status === 'issued');
    const permit = (
      await api
        .get(`/api/v1/applications/${issued.id}/permit`)
        .set('authorization', `Bearer ${token}`)
        .expect(200)
    ).body;
    verificationPath = new URL(permit.verificationUrl).pathname;
    browser = await chromium.launch(CHROMIUM);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  describe.each([
    ['JavaScript off', false],
    ['JavaScript on', true],
  ])('%s', (_label, javaScriptEnabled) => {
    beforeEach(async () => {
      // A phone-sized window; axe needs a context of our own to run in.
      context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        locale: 'id-ID',
        javaScriptEnabled,
      });
      page = await context.newPage();
    });
    afterEach(() => context?.close());

    const expectAccessible = (target: Page = page) =>
      expectAccessiblePage(browser, javaScriptEnabled, target);

    it('finds a file from the home page with the keyboard alone, however the number is typed', async () => {
      const loaded = await page.goto(system.webUrl);
      expect(loaded?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('id');
      // Scripts only enhance: GOV.UK Frontend marks the page when they run, and nothing needs them.
      expect(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).toBe(
        javaScriptEnabled,
      );
      await expectAccessible();

      for (let i = 0; i < 12 && (await page.evaluate(() => document.activeElement?.id)) !== 'nomor'; i++)
        await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('nomor');
      const outline = await page.evaluate(
        () => getComputedStyle(document.activeElement as Element).outlineStyle,
      );
      expect(outline).not.toBe('none'); // focus is visible
      await page.keyboard.type(files.inReview.toLowerCase().replace(/-/g, ' '));
      await Promise.all([page.waitForURL(/\/lacak\?nomor=/), page.keyboard.press('Enter')]);

      await expect(page.locator('#result-title').textContent()).resolves.toContain(files.inReview);
      await expect(page.locator('#status').textContent()).resolves.toBe('Sedang diproses');
      await expect(page.locator('#working').textContent()).resolves.toContain('DINKES');
      await expect(page.locator('#due time').getAttribute('datetime')).resolves.toMatch(
        /^\d{4}-\d{2}-\d{2}$/,
      );
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThanOrEqual(2);
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true); // no sideways scrolling on a phone
      await expectAccessible();
    });

    it('says plainly when a number is mistyped, and switches to English keeping the number', async () => {
      const wrong = `${files.issued.slice(0, -1)}${files.issued.endsWith('A') ? 'B' : 'A'}`;
      const answer = await page.goto(`${system.webUrl}/lacak?nomor=${encodeURIComponent(wrong)}`);
      expect(answer?.status()).toBe(400);
      // GOV.UK's pattern: the summary at the top says it and links to the field, which says it again.
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/satu karakter salah|bukan nomor/);
      expect(await page.title()).toMatch(/^Kesalahan: /);
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#nomor');
      expect(await page.getAttribute('#nomor', 'aria-describedby')).toContain('nomor-error');
      await expect(page.locator('#nomor-error').textContent()).resolves.toMatch(
        /satu karakter salah|bukan nomor/,
      );
      await expectAccessible();

      await page.goto(`${system.webUrl}/lacak?nomor=${encodeURIComponent(files.issued)}`);
      await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await expect(page.locator('h1').textContent()).resolves.toBe('Track a file');
      await expect(page.locator('#status').textContent()).resolves.toBe('Closed');
      await expect(page.locator('ol.timeline').textContent()).resolves.toContain('Permit issued');
      expect(await page.inputValue('#nomor')).toBe(files.issued);
      await expectAccessible();
    });

    it("shows whether a permit is genuine from its QR code's link", async () => {
      await page.goto(`${system.webUrl}${verificationPath}`);
      await expect(page.locator('#verdict').textContent()).resolves.toBe('ASLI dan BERLAKU');
      await expect(page.locator('#permit-number').textContent()).resolves.toMatch(/^503\/\d{4}\/SIP\//);
      await expectAccessible();
      await page.getByRole('link', { name: 'English' }).click();
      await expect(page.locator('#verdict').textContent()).resolves.toBe('GENUINE and VALID');

      const forged = verificationPath.replace(/.{6}$/, 'AAAAAA');
      await page.goto(`${system.webUrl}${forged}`);
      await expect(page.locator('#verdict').textContent()).resolves.toMatch(/^TIDAK DAPAT DIVERIFIKASI/);
    });

    it('explains a permit type and estimates its levy from a plain form, numbers typed the Indonesian way', async () => {
      await page.goto(`${system.webUrl}/izin`);
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/\/izin\/REKLAME$/),
        page.getByRole('link', { name: 'Izin Penyelenggaraan Reklame' }).click(),
      ]);
      await expect(page.locator('#standard').textContent()).resolves.toMatch(/hari kerja/);
      await expect(page.locator('#documents').textContent()).resolves.toContain('Denah lokasi');
      await expect(page.locator('#legal-basis li').count()).resolves.toBeGreaterThan(0);
      await expectAccessible();

      // A mistake first: the summary names the field and links to it; the typed value stays.
      await page.fill('#boardArea', '2,5');
      await Promise.all([page.waitForURL(/hitung=1/), page.getByRole('button', { name: 'Hitung' }).click()]);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Jangka waktu');
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#months');
      expect(await page.inputValue('#boardArea')).toBe('2,5');
      await expectAccessible();

      await page.fill('#months', '3');
      await Promise.all([page.waitForURL(/months=3/), page.getByRole('button', { name: 'Hitung' }).click()]);
      // 2.5 m² × Rp25.000 × 3 months, as the bill will compute it.
      await expect(page.locator('#estimate').textContent()).resolves.toMatch(/^Rp\s?187\.500$/);
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await expectAccessible();
    });

    it('registers a person with a code from the mailbox, signs in and out, resets and changes the password; names stay text, and the old cookie is worthless', async () => {
      const email = `rina.${javaScriptEnabled ? 'on' : 'off'}@warga.example.id`;
      const name = 'Rina <img src=x onerror="document.title=1">';
      await page.goto(`${system.webUrl}/masuk`);
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/\/daftar$/),
        page.getByRole('link', { name: /Daftar sebagai/ }).click(),
      ]);
      await expectAccessible();

      // One question first; unanswered, the summary says so and links to it.
      await Promise.all([
        page.waitForURL(/pilih=1/),
        page.getByRole('button', { name: 'Lanjutkan' }).click(),
      ]);
      expect(await page.title()).toMatch(/^Kesalahan: /);
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#jenis');
      await expectAccessible();
      await page.check('#jenis');
      await Promise.all([
        page.waitForURL(/jenis=person/),
        page.getByRole('button', { name: 'Lanjutkan' }).click(),
      ]);
      await expectAccessible();

      // Nothing filled in: the summary lists each missing answer, linked to its field, in page order.
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Kirim kode' }).click(),
      ]);
      expect(await page.title()).toMatch(/^Kesalahan: /);
      expect(
        await page.locator('.govuk-error-summary a').evaluateAll((a) => a.map((x) => x.getAttribute('href'))),
      ).toEqual(['#name', '#nik', '#email', '#password']);
      await expectAccessible();

      await page.fill('#nik', javaScriptEnabled ? '3271041603900008' : '3271041503900007');
      await page.fill('#name', name);
      await page.fill('#email', email);
      await page.fill('#password', 'kopi tubruk di pagi hari');
      await Promise.all([
        page.waitForURL(/\/daftar\/kode$/),
        page.getByRole('button', { name: 'Kirim kode' }).click(),
      ]);
      await expect(page.locator('#sent-to').textContent()).resolves.toMatch(/ri\*+@warga\.example\.id/);
      await expectAccessible();
      await page.fill('#code', await codeMailedTo(system.mail, email));
      await Promise.all([
        page.waitForURL(/\/masuk\?terdaftar=1$/),
        page.getByRole('button', { name: 'Buat akun' }).click(),
      ]);
      await expectAccessible();

      // A wrong password first: the form says so, keeps the name, and the next sign-in is told of it.
      await page.fill('#username', email);
      await page.fill('#password', 'salah ketik sekali');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Masuk' }).click()]);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('salah');
      expect(await page.inputValue('#username')).toBe(email);
      await page.fill('#password', 'kopi tubruk di pagi hari');
      await Promise.all([page.waitForURL(/\/akun$/), page.getByRole('button', { name: 'Masuk' }).click()]);
      await expect(page.locator('#sign-in-notice').textContent()).resolves.toContain(
        '1 percobaan masuk yang gagal',
      );
      // What a person typed is shown as they typed it, never run as markup.
      await expect(page.locator('#account-details').textContent()).resolves.toContain(name);
      await expect(page.locator('#signed-in-as').textContent()).resolves.toContain(name);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.title()).toBe('Akun saya · Berkas');
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await expectAccessible();

      await page.reload();
      expect(await page.locator('#sign-in-notice').count()).toBe(0); // said once

      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'berkas.sid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      await Promise.all([page.waitForURL(/\/masuk\?keluar=1$/), page.click('#sign-out')]);
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'Anda sudah keluar',
      );
      await expectAccessible();
      // Someone who copied the cookie before sign-out gets the sign-in page, not the account.
      const thief = await browser.newContext({ javaScriptEnabled });
      await thief.addCookies(cookies);
      const stolen = await thief.newPage();
      await stolen.goto(`${system.webUrl}/akun`);
      expect(new URL(stolen.url()).pathname).toBe('/masuk');
      await thief.close();

      // Forgotten: a code to the email, a new password, then sign in with it.
      await Promise.all([
        page.waitForURL(/\/lupa-sandi$/),
        page.getByRole('link', { name: 'Lupa kata sandi?' }).click(),
      ]);
      await expectAccessible();
      await page.fill('#login', email);
      await Promise.all([
        page.waitForURL(/\/lupa-sandi\/kode$/),
        page.getByRole('button', { name: 'Kirim kode' }).click(),
      ]);
      await expectAccessible();
      const resetMail = await waitFor(async () => {
        const text = (await system.mail.messages(email))[0]?.text;
        return text && /atur ulang kata sandi/i.test(text) ? text : null;
      }, 10000);
      await page.fill('#code', /\b(\d{6})\b/.exec(resetMail)![1]);
      await page.fill('#password', 'pohon kenari di kebun raya');
      await Promise.all([
        page.waitForURL(/\/masuk\?sandi=1$/),
        page.getByRole('button', { name: 'Simpan kata sandi baru' }).click(),
      ]);
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        'kata sandi baru',
      );
      await page.fill('#username', email);
      await page.fill('#password', 'pohon kenari di kebun raya');
      await Promise.all([
        page.waitForURL(/\/akun$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);

      // Changed by its owner: a wrong current password is said so; then the session goes on.
      await Promise.all([
        page.waitForURL(/\/akun\/sandi$/),
        page.getByRole('link', { name: 'Ubah kata sandi' }).click(),
      ]);
      await page.fill('#currentPassword', 'bukan yang ini');
      await page.fill('#newPassword', 'jalan pajajaran pagi hari');
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Ubah kata sandi' }).click(),
      ]);
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#currentPassword');
      await expectAccessible();
      await page.fill('#currentPassword', 'pohon kenari di kebun raya');
      await page.fill('#newPassword', 'jalan pajajaran pagi hari');
      await Promise.all([
        page.waitForURL(/\/akun\?sandi=1$/),
        page.getByRole('button', { name: 'Ubah kata sandi' }).click(),
      ]);
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Sesi lain');
      await page.goto(`${system.webUrl}/akun`);
      expect(new URL(page.url()).pathname).toBe('/akun'); // still signed in, on the new tokens
      await expectAccessible();
    });

    it('registers a person with a phone number alone: the code comes by SMS, and the phone signs in', async () => {
      const phone = javaScriptEnabled ? '0812 7000 1002' : '0812 7000 1001';
      await page.goto(`${system.webUrl}/daftar?jenis=person`);
      await page.fill('#name', 'Ujang Suryana');
      await page.fill('#nik', javaScriptEnabled ? '3271042103900012' : '3271042003900011');
      await page.fill('#phone', phone);
      await page.fill('#password', 'nasi liwet sunda enak');
      await Promise.all([
        page.waitForURL(/\/daftar\/kode$/),
        page.getByRole('button', { name: 'Kirim kode' }).click(),
      ]);
      await expect(page.locator('#sent-to').textContent()).resolves.toMatch(/SMS/);
      await expect(page.locator('#sent-to').textContent()).resolves.not.toContain(phone);
      await expectAccessible();
      const digits = phone.replace(/\D/g, '').slice(1);
      const code = await waitFor(async () => {
        const texts = (await system.sms.messages()).filter((m) => m.to.endsWith(digits));
        return /\b(\d{6})\b/.exec(texts.at(-1)?.body ?? '')?.[1] ?? null;
      }, 10000);
      await page.fill('#code', code);
      await Promise.all([
        page.waitForURL(/\/masuk\?terdaftar=1$/),
        page.getByRole('button', { name: 'Buat akun' }).click(),
      ]);
      await page.fill('#username', phone);
      await page.fill('#password', 'nasi liwet sunda enak');
      await Promise.all([page.waitForURL(/\/akun$/), page.getByRole('button', { name: 'Masuk' }).click()]);
      await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('Ujang Suryana');
      await expectAccessible();
    });

    it("lets a company's admin invite a colleague, who accepts; removed, the colleague is signed out at once", async () => {
      const colleague = {
        name: 'Dimas <b>Pratama</b>',
        email: `dimas.${javaScriptEnabled ? 'on' : 'off'}@hujansejahtera.example.id`,
        password: 'menara air di ujung jalan',
      };
      const signIn = async (p: Page, username: string, password: string) => {
        await p.goto(`${system.webUrl}/masuk`);
        await p.fill('#username', username);
        await p.fill('#password', password);
        await Promise.all([
          p.waitForURL(/\/akun$/),
          p.getByRole('button', { name: 'Masuk', exact: true }).click(),
        ]);
      };
      await signIn(page, demo.company.members[0].email, demo.password);
      await Promise.all([page.waitForURL(/\/akun\/anggota$/), page.click('#members-link')]);
      await expectAccessible();
      await page.fill('#name', colleague.name);
      await page.fill('#email', colleague.email);
      await Promise.all([
        page.waitForURL(/diundang=/),
        page.getByRole('button', { name: 'Kirim undangan' }).click(),
      ]);
      await expect(page.locator('#invitations').textContent()).resolves.toContain(colleague.name);
      await expectAccessible();

      const other = await browser.newContext({
        viewport: { width: 360, height: 740 },
        locale: 'id-ID',
        javaScriptEnabled,
      });
      const them = await other.newPage();
      await them.goto(`${system.webUrl}/masuk`);
      await Promise.all([
        them.waitForURL(/\/daftar\/undangan$/),
        them.getByRole('link', { name: /Terima undangan/ }).click(),
      ]);
      await them.fill('#login', colleague.email);
      await them.fill('#code', await codeMailedTo(system.mail, colleague.email));
      await them.fill('#password', colleague.password);
      await Promise.all([
        them.waitForURL(/\/masuk\?terdaftar=1$/),
        them.getByRole('button', { name: 'Terima undangan' }).click(),
      ]);
      await signIn(them, colleague.email, colleague.password);
      await expect(them.locator('#account-details').textContent()).resolves.toContain(demo.company.name);

      await page.reload();
      await Promise.all([
        page.waitForURL(/\/hapus$/),
        page.getByRole('link', { name: `Hapus ${colleague.name}` }).click(),
      ]);
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/dihapus=/),
        page.getByRole('button', { name: 'Ya, hapus' }).click(),
      ]);
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
        colleague.name,
      );
      const row = page.locator('#members tr', { hasText: colleague.email });
      await expect(row.textContent()).resolves.toContain('Dihapus');
      expect(await page.locator('#members b').count()).toBe(0); // the name's markup stays text
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await expectAccessible();

      await them.reload();
      expect(new URL(them.url()).pathname).toBe('/masuk');
      await other.close();
    });

    it('applies for a permit from its page: questions, documents, checking, sending; the file is then tracked and listed', async () => {
      await page.goto(`${system.webUrl}/izin/SIP`);
      await Promise.all([
        page.waitForURL(/\/masuk\?next=/),
        page.getByRole('button', { name: 'Mulai sekarang' }).click(),
      ]);
      await page.fill('#username', demo.person.email);
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(/\/izin\/SIP\/ajukan$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/\/permohonan\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Mulai permohonan' }).click(),
      ]);
      const tasks = page.url();
      await expect(page.locator('#send-1-status').textContent()).resolves.toContain('Belum dapat dimulai');
      await expectAccessible();

      // The first questions: left empty, then answered (a mistake kept and explained first).
      await Promise.all([
        page.waitForURL(/\/data\/1$/),
        page.getByRole('link', { name: /Bagian 1 dari/ }).click(),
      ]);
      await page.fill('#strNumber', SIP_FORM.strNumber);
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      expect(
        await page.locator('.govuk-error-summary a').evaluateAll((a) => a.map((x) => x.getAttribute('href'))),
      ).toEqual(['#profession', '#practiceAddress']);
      expect(await page.inputValue('#strNumber')).toBe(SIP_FORM.strNumber);
      await expectAccessible();
      await page.check(`input[name="profession"][value="${SIP_FORM.profession}"]`);
      await page.fill('#practiceAddress', 'Jl. Merdeka 5 <script>alert(1)</script>');
      await Promise.all([
        page.waitForURL(/\/data\/2$/),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      await page.fill('#practiceOrder', '1,5');
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      await expect(page.locator('#practiceOrder-error').textContent()).resolves.toContain('bilangan bulat');
      await expect(page.locator('#practiceArea-error').textContent()).resolves.toContain(
        'Pilih Kelurahan tempat praktik',
      );
      await expectAccessible();
      // The place is chosen from the city's kelurahan, each under its kecamatan.
      expect(await page.locator('#practiceArea optgroup').count()).toBe(6);
      await page.selectOption('#practiceArea', { label: 'Sempur' });
      await page.fill('#practiceOrder', '1');
      await Promise.all([
        page.waitForURL(tasks),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);

      // Documents, one page each; a file of the wrong kind is refused by name.
      // Taken, the task list follows; refused, the page says why (put in place by the script, with one).
      const upload = async (
        name: string,
        file: { name: string; mimeType: string; buffer: Buffer },
        outcome: 'taken' | 'refused' = 'taken',
      ) => {
        await Promise.all([page.waitForURL(/\/dokumen\//), page.getByRole('link', { name }).click()]);
        await page.setInputFiles('#file', file);
        await Promise.all([
          outcome === 'taken' ? page.waitForURL(tasks) : page.locator('.govuk-error-summary').waitFor(),
          page.getByRole('button', { name: 'Unggah' }).click(),
        ]);
      };
      await upload(
        'Pas foto',
        {
          name: 'catatan <img src=x onerror=alert(1)>.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from('bukan foto'),
        },
        'refused',
      );
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
        'catatan <img src=x onerror=alert(1)>.txt',
      );
      expect(await page.locator('.govuk-error-summary img').count()).toBe(0);
      if (javaScriptEnabled)
        // The answer was put in place of the page: its error summary takes the focus, as on a load.
        expect(await page.evaluate(() => document.activeElement?.className)).toContain('govuk-error-summary');
      await expectAccessible();
      await page.goto(tasks);
      await upload('KTP', { name: 'ktp.png', mimeType: 'image/png', buffer: PNG });
      expect(page.url()).toBe(tasks);
      await upload('STR yang masih berlaku', { name: 'str.pdf', mimeType: 'application/pdf', buffer: PDF });
      await upload('Rekomendasi organisasi profesi', {
        name: 'rekomendasi.pdf',
        mimeType: 'application/pdf',
        buffer: PDF,
      });
      await expect(page.locator('#documents-1-status').textContent()).resolves.toContain('Selesai');
      await expectAccessible();

      // Check, change one answer from there, declare, send.
      await Promise.all([
        page.waitForURL(/\/periksa$/),
        page.getByRole('link', { name: 'Periksa jawaban lalu kirim' }).click(),
      ]);
      await expect(page.locator('#answers').textContent()).resolves.toContain('<script>alert(1)</script>');
      await expect(page.locator('#answers').textContent()).resolves.toContain(
        'Kelurahan Sempur, Kecamatan Bogor Tengah',
      );
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/\/data\/1\?back=check/),
        page.getByRole('link', { name: 'Ubah Alamat tempat praktik' }).click(),
      ]);
      await page.fill('#practiceAddress', SIP_FORM.practiceAddress);
      await Promise.all([
        page.waitForURL(/\/periksa$/),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      await expect(page.locator('#answers').textContent()).resolves.toContain(SIP_FORM.practiceAddress);
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Kirim permohonan' }).click(),
      ]);
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#declaration');
      await page.check('#declaration');
      await Promise.all([
        page.waitForURL(/\/terkirim$/),
        page.getByRole('button', { name: 'Kirim permohonan' }).click(),
      ]);
      const number = (await page.locator('#tracking-number').textContent())!.trim();
      expect(number).toMatch(/^3271-\d{2}-/);
      await expect(page.locator('#service-standard').textContent()).resolves.toMatch(/hari kerja/);
      // The bukti pendaftaran, through the session like every page.
      const receipt = await page.request.get(
        `${system.webUrl}${await page.getAttribute('#receipt', 'href')}`,
      );
      expect(receipt.status()).toBe(200);
      expect(receipt.headers()['content-type']).toBe('application/pdf');
      expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await expectAccessible();

      await Promise.all([
        page.waitForURL(/\/lacak\?nomor=/),
        page.getByRole('link', { name: 'Lacak berkas ini' }).click(),
      ]);
      await expect(page.locator('#status').textContent()).resolves.toBe('Sedang diproses');
      await page.goto(`${system.webUrl}/permohonan`);
      await expect(page.locator('#applications').textContent()).resolves.toContain(number);
      await expectAccessible();
      // Sent, it can no longer be changed from the pages.
      await page.goto(tasks);
      expect(new URL(page.url()).pathname).toMatch(/\/status$/);

      // The officers' steps go through the API until their workspace exists; the permit, through the pages.
      const the = people(request(system.gatewayUrl));
      const id = new URL(tasks).pathname.split('/').pop()!;
      for (const [agency, role, action] of [
        ['DPMPTSP', 'front-office', 'complete'],
        ['DINKES', 'reviewer', 'recommend'],
        ['DPMPTSP', 'supervisor', 'approve'],
        ['DPMPTSP', 'front-office', 'issue'],
      ])
        expect((await the.act(await the.signIn(officer(agency, role)), id, action)).status).toBe(200);
      await waitFor(async () => {
        await page.goto(`${system.webUrl}/permohonan/${id}/status`);
        return (await page.locator('#permit-pdf').count()) > 0 || null; // the PDF is made just after
      }, 20000);
      await expect(page.locator('#status').textContent()).resolves.toContain('Izin terbit');
      await expectAccessible();
      const permit = await page.request.get(
        `${system.webUrl}${await page.getAttribute('#permit-pdf', 'href')}`,
      );
      expect(permit.status()).toBe(200);
      expect((await permit.body()).subarray(0, 5).toString()).toBe('%PDF-');
      await Promise.all([page.waitForURL(/\/verifikasi\//), page.click('#verify-link')]);
      await expect(page.locator('#verdict').textContent()).resolves.toBe('ASLI dan BERLAKU');
    });

    it('says why a file was returned; the applicant fixes what was asked and sends it again, and the officer sees what changed', async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const siti = await the.signIn(demo.person.email);
      const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
      const app = await the.readySip(siti);
      const sent = (await api.post(`/api/v1/applications/${app.id}/submit`).set(bearer(siti)).expect(200))
        .body;
      const note = 'Alamat praktik tidak lengkap <i>tanpa RT/RW</i>.\nUnggah STR yang masih berlaku.';
      await api
        .post(`/api/v1/tasks/${sent.openTasks[0].id}/actions`)
        .set(bearer(fo))
        .send({
          action: 'return',
          note,
          reason: 'isian-tidak-sesuai',
          fix: { fields: ['practiceAddress'], documents: ['certificate'] },
        })
        .expect(200);

      await page.goto(`${system.webUrl}/masuk?next=/permohonan`);
      await page.fill('#username', demo.person.email);
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(/\/permohonan$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      const row = page.locator('.app-application', { hasText: sent.trackingNumber });
      await expect(row.textContent()).resolves.toContain('Perlu diperbaiki');
      await Promise.all([
        page.waitForURL(new RegExp(`/permohonan/${app.id}$`)),
        row.getByRole('link').click(),
      ]);
      await expect(page.locator('#officer-note').innerText()).resolves.toBe(note);
      expect(await page.locator('#officer-note i').count()).toBe(0); // the note stays text
      expect(await page.locator('#to-fix li').allTextContents()).toEqual([
        'Alamat tempat praktik',
        'STR yang masih berlaku',
      ]);
      await expect(page.locator('#correction').textContent()).resolves.toContain('Waktu layanan berhenti');
      await expectAccessible();

      await Promise.all([
        page.waitForURL(/\/data\/1$/),
        page.getByRole('link', { name: /Bagian 1 dari/ }).click(),
      ]);
      await page.fill('#practiceAddress', 'Jl. Merdeka 5 RT 02/RW 03, Bogor');
      await Promise.all([
        page.waitForURL(/\/data\/2$/),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      await page.goto(`${system.webUrl}/permohonan/${app.id}`);
      await Promise.all([
        page.waitForURL(/\/dokumen\/certificate$/),
        page.getByRole('link', { name: 'STR yang masih berlaku' }).click(),
      ]);
      await page.setInputFiles('#file', { name: 'str-baru.pdf', mimeType: 'application/pdf', buffer: PDF });
      await Promise.all([
        page.waitForURL(new RegExp(`/permohonan/${app.id}$`)),
        page.getByRole('button', { name: 'Unggah' }).click(),
      ]);
      await expect(page.locator('#documents-2-status').textContent()).resolves.toContain('Selesai');
      await Promise.all([
        page.waitForURL(/\/periksa$/),
        page.getByRole('link', { name: 'Periksa jawaban lalu kirim' }).click(),
      ]);
      await page.check('#declaration');
      await Promise.all([
        page.waitForURL(/\/terkirim$/),
        page.getByRole('button', { name: 'Kirim permohonan' }).click(),
      ]);
      await expectAccessible();

      const seen = (await api.get(`/api/v1/applications/${app.id}`).set(bearer(fo)).expect(200)).body;
      expect(seen.status).toBe('in-review');
      expect(seen.correction).toMatchObject({
        note,
        answeredAt: expect.any(String),
        changedFields: ['practiceAddress'],
        changedDocuments: ['certificate'],
      });
    });

    it("walks a company's billboard permit from its page to the permit, keyboard alone on the questions; a colleague sees the bill and downloads the permit", async () => {
      const [rudi, wulan] = demo.company.members;
      const signIn = async (p: Page, username: string) => {
        await p.goto(`${system.webUrl}/masuk`);
        await p.fill('#username', username);
        await p.fill('#password', demo.password);
        await Promise.all([
          p.waitForURL(/\/akun$/),
          p.getByRole('button', { name: 'Masuk', exact: true }).click(),
        ]);
      };
      await signIn(page, rudi.email);
      await page.goto(`${system.webUrl}/izin/REKLAME/ajukan`);
      await Promise.all([
        page.waitForURL(/\/permohonan\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Mulai permohonan' }).click(),
      ]);
      const tasks = page.url();
      const id = new URL(tasks).pathname.split('/').pop()!;

      // The first questions with the keyboard alone: Tab to each, type, Enter to save.
      await page.goto(`${tasks}/data/1`);
      const focused = () => page.evaluate(() => document.activeElement?.id);
      for (let i = 0; i < 30 && (await focused()) !== 'location'; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe('location');
      await page.keyboard.type('Jl. Pajajaran 12, Bogor <marquee>');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('siteArea');
      await page.keyboard.press('Tab'); // passed over for now
      expect(await focused()).toBe('boardArea');
      if (javaScriptEnabled) {
        // With scripts, a mistake shows under its question on leaving it, in the server's words,
        // and goes once it is fixed; a question passed over without an answer is not marked.
        await page.keyboard.type('dua');
        await page.keyboard.press('Tab');
        await expect(page.locator('#boardArea-error').textContent()).resolves.toMatch(
          /Luas bidang reklame \(m²\) harus berupa angka/,
        );
        expect(await page.locator('#siteArea-error').count()).toBe(0);
        if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/inline-error.png` });
        await expectAccessible();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Control+A');
      }
      await page.keyboard.type('2,5');
      await page.keyboard.press('Shift+Tab');
      expect(await focused()).toBe('siteArea');
      if (javaScriptEnabled) await page.locator('#boardArea-error').waitFor({ state: 'detached' });
      // A closed list takes typed letters: the kelurahan is chosen without opening it.
      await page.keyboard.type('Batutulis');
      expect(await page.inputValue('#siteArea')).toBe('32.71.01.1001');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForURL(/\/data\/2$/), page.keyboard.press('Enter')]);
      await page.fill('#months', '3');
      await page.fill('#content', 'Kopi Hujan: diskon 10%');
      await Promise.all([
        page.waitForURL(tasks),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      for (const [label, file] of [
        ['KTP penanggung jawab', { name: 'ktp.png', mimeType: 'image/png', buffer: PNG }],
        ['Denah lokasi', { name: 'denah.pdf', mimeType: 'application/pdf', buffer: PDF }],
      ] as const) {
        await Promise.all([page.waitForURL(/\/dokumen\//), page.getByRole('link', { name: label }).click()]);
        await page.setInputFiles('#file', file);
        await Promise.all([page.waitForURL(tasks), page.getByRole('button', { name: 'Unggah' }).click()]);
      }

      // The design and site photos take several files: two chosen at once, one removed, one replaced.
      await Promise.all([
        page.waitForURL(/\/dokumen\/photo$/),
        page.getByRole('link', { name: 'Desain dan foto lokasi' }).click(),
      ]);
      await expect(page.locator('#file-allowance').textContent()).resolves.toContain('hingga 5 berkas');
      // Names as people write them (an accent, an apostrophe, an en dash) arrive as written; tracking keeps no
      // markup characters in a stored name, and what is left is shown as text.
      const oddName = "foto 'lokasi' – <b>papan.png";
      const storedName = "foto 'lokasi' – _b_papan.png";
      await page.setInputFiles('#file', [
        { name: 'desain-résumé.png', mimeType: 'image/png', buffer: PNG },
        { name: oddName, mimeType: 'image/png', buffer: PNG },
      ]);
      // With scripts the form is sent by the page itself, to show the upload's progress.
      const sentBy = page.waitForRequest((r) => r.method() === 'POST' && /\/dokumen\/photo$/.test(r.url()));
      await Promise.all([
        page.waitForURL(/\/dokumen\/photo\?diunggah=2$/),
        page.getByRole('button', { name: 'Unggah' }).click(),
      ]);
      expect((await sentBy).resourceType()).toBe(javaScriptEnabled ? 'xhr' : 'document');
      const fileNames = () => page.locator('#files dt').allTextContents();
      expect((await fileNames()).map((n) => n.trim())).toEqual(['desain-résumé.png', storedName]);
      expect(await page.locator('#files b').count()).toBe(0);
      if (process.env.SHOTS)
        await page.screenshot({
          path: `${process.env.SHOTS}/files-${javaScriptEnabled}.png`,
          fullPage: true,
        });
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/\/dokumen\/photo\?dihapus=1$/),
        page.getByRole('button', { name: 'Hapus desain-résumé.png' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/\/dokumen\/photo\?ganti=/),
        page.getByRole('link', { name: `Ganti ${storedName}` }).click(),
      ]);
      // A refused replacement is offered again as the same replacement, not as an added file.
      await page.setInputFiles('#file', {
        name: 'catatan.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('x'),
      });
      await Promise.all([
        page.locator('.govuk-error-summary').waitFor(),
        page.getByRole('button', { name: 'Unggah' }).click(),
      ]);
      await expect(page.locator('label[for="file"]').textContent()).resolves.toContain(
        `Pilih berkas pengganti untuk ${storedName}`,
      );
      await page.setInputFiles('#file', { name: 'foto-lokasi-baru.png', mimeType: 'image/png', buffer: PNG });
      await Promise.all([
        page.waitForURL(/\/dokumen\/photo\?diunggah=1$/),
        page.getByRole('button', { name: 'Unggah' }).click(),
      ]);
      expect((await fileNames()).map((n) => n.trim())).toEqual(['foto-lokasi-baru.png']);
      await expectAccessible();
      await Promise.all([
        page.waitForURL(tasks),
        page.getByRole('link', { name: 'Selesai, kembali ke daftar tugas' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/\/periksa$/),
        page.getByRole('link', { name: 'Periksa jawaban lalu kirim' }).click(),
      ]);
      await expect(page.locator('#documents').textContent()).resolves.toContain('foto-lokasi-baru.png');

      // Declared and sent with the keyboard alone.
      for (let i = 0; i < 60 && (await focused()) !== 'declaration'; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe('declaration');
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForURL(/\/terkirim$/), page.keyboard.press('Enter')]);
      const number = (await page.locator('#tracking-number').textContent())!.trim();

      // Officers check it and review the site (through the API); the bill is issued at the fee stage.
      const api = request(system.gatewayUrl);
      const the = people(api);
      const as = (agency: string, role: string) => the.signIn(officer(agency, role));
      expect((await the.act(await as('DPMPTSP', 'front-office'), id, 'complete')).status).toBe(200);
      expect((await the.act(await as('DPUPR', 'reviewer'), id, 'approve')).status).toBe(200);

      // A colleague of the same company sees the company's file, and what to pay.
      const other = await browser.newContext({
        viewport: { width: 360, height: 740 },
        locale: 'id-ID',
        javaScriptEnabled,
      });
      const colleague = await other.newPage();
      await signIn(colleague, wulan.email);
      await colleague.goto(`${system.webUrl}/permohonan`);
      const row = colleague.locator('.app-application', { hasText: number });
      await expect(row.textContent()).resolves.toContain('Bayar tagihan retribusinya');
      await colleague.goto(`${system.webUrl}/permohonan/${id}/status`);
      await expect(colleague.locator('#how-to-pay').textContent()).resolves.toMatch(/Rp\s?187\.500/);
      await expect(colleague.locator('#bill').textContent()).resolves.toMatch(/jatuh tempo \d+ \w+ \d{4}/);
      const skrd = await colleague.request.get(
        `${system.webUrl}${await colleague.getAttribute('#bill-pdf', 'href')}`,
      );
      expect(skrd.headers()['content-type']).toBe('application/pdf');
      expect((await skrd.body()).subarray(0, 5).toString()).toBe('%PDF-');
      await expectAccessible(colleague);

      const verifier = await as('DPMPTSP', 'verifier');
      await api
        .post(`/api/v1/applications/${id}/payments`)
        .set(bearer(verifier))
        .send({ reference: 'BJB-REK-0042' })
        .expect(200);
      expect((await the.act(verifier, id, 'paid')).status).toBe(200);
      expect((await the.act(await as('DPMPTSP', 'supervisor'), id, 'approve')).status).toBe(200);
      await waitFor(async () => {
        await colleague.goto(`${system.webUrl}/permohonan/${id}/status`);
        return (await colleague.locator('#permit-pdf').count()) > 0 || null;
      }, 20000);
      const pdf = await colleague.request.get(
        `${system.webUrl}${await colleague.getAttribute('#permit-pdf', 'href')}`,
      );
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      await Promise.all([colleague.waitForURL(/\/verifikasi\//), colleague.click('#verify-link')]);
      await expect(colleague.locator('#verdict').textContent()).resolves.toBe('ASLI dan BERLAKU');
      // The permit is the company's, not the member's who applied.
      await expect(colleague.locator('main').textContent()).resolves.toContain(demo.company.name);
      await expectAccessible(colleague);
      await other.close();
    });
  });
});
