import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { bearer, demo, ensureDemoFiles, officer, PDF, people, PNG, SIP_FORM } from './support/api';
import { CHROMIUM, expectAccessiblePage } from './support/accessibility';
import { queryDatabase } from './support/db';
import { startSystem, type RunningSystem } from './support/system';

/**
 * The officers' workspace as they use it, at the desk and the counter, and their files' journeys
 * through it: Debian's chromium, driven by playwright-core, once with JavaScript off and once on.
 * (The citizens' pages are pages.e2e-spec.ts; the two files run side by side.)
 */
describe("officers' pages in a real browser", () => {
  let system: RunningSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    system = await startSystem();
    await ensureDemoFiles(system.gatewayUrl, demo);
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

    /** Signs in through the sign-in form, asking for the page `next`. */
    const signInThroughForm = async (p: Page, username: string, next: string) => {
      await p.goto(`${system.webUrl}/masuk?next=${encodeURIComponent(next)}`);
      await p.fill('#username', username);
      await p.fill('#password', demo.password);
      await p.getByRole('button', { name: 'Masuk', exact: true }).click();
      await p.waitForLoadState();
    };

    it("starts an officer's day at their desk: queues due first, each task's due state in words", async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const citizen = await the.signIn(demo.person.email);
      const sent = await the.submittedSip(citizen);
      const { trackingNumber } = sent;
      const frontOffice = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('front-office'))!;
      const fo = await the.signIn(frontOffice.email);
      const inbox = async (scope: string) =>
        (await api.get(`/api/v1/inbox?scope=${scope}&limit=25`).set(bearer(fo)).expect(200)).body
          .items as Array<{
          id: string;
          applicationId: string;
          stage: string;
          status: string;
          trackingNumber: string;
          dueState: string;
          workingDaysLeft: number | null;
        }>;
      const words = (t: { dueState: string; workingDaysLeft: number | null }) =>
        ({
          overdue: 'Lewat tenggat',
          'due-soon': 'Segera jatuh tempo',
          'on-time': `Tepat waktu, ${t.workingDaysLeft} hari kerja lagi`,
          waiting: 'Menunggu berkas fisik',
        })[t.dueState];

      // Signed in with the NIP and asked for no page in particular: the desk, with "my tasks" first.
      await page.goto(`${system.webUrl}/masuk`);
      await page.fill('#username', frontOffice.nip);
      await page.fill('#password', demo.password);
      await Promise.all([page.waitForURL(/\/meja$/), page.getByRole('button', { name: 'Masuk' }).click()]);
      expect(await page.getAttribute('#queue-saya', 'aria-current')).toBe('page');
      await expectAccessible();

      // The agency's queue, as the API orders it (due first), each state said in words.
      await Promise.all([page.waitForURL(/antrean=instansi/), page.click('#queue-instansi')]);
      const queue = await inbox('agency');
      expect(queue.length).toBeGreaterThan(0);
      const rows = page.locator('#tasks tbody tr');
      expect(await rows.count()).toBe(queue.length);
      for (const [i, task] of queue.slice(0, 5).entries()) {
        await expect(rows.nth(i).locator('th').textContent()).resolves.toContain(task.trackingNumber);
        await expect(rows.nth(i).locator('.govuk-tag').textContent()).resolves.toContain(words(task)!);
      }
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      if (process.env.SHOTS)
        await page.screenshot({ path: `${process.env.SHOTS}/desk-${javaScriptEnabled}.png` });
      await expectAccessible();

      // Narrowed to one permit type by a plain form, the queue has an address of its own.
      await page.selectOption('#jenis', 'SIP');
      await Promise.all([
        page.waitForURL(/antrean=instansi&jenis=SIP&.*cari=$/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      const sips = (
        await api.get('/api/v1/inbox?scope=agency&permitType=SIP&limit=25').set(bearer(fo)).expect(200)
      ).body.items as Array<{ trackingNumber: string }>;
      expect(await rows.count()).toBe(sips.length);
      await expect(rows.first().locator('th').textContent()).resolves.toContain(sips[0].trackingNumber);
      await expect(rows.first().textContent()).resolves.toContain('Loket'); // the role in words
      expect(await page.locator('#tasks tbody').textContent()).not.toMatch(/Reklame|Bangunan Gedung/);
      await expectAccessible();

      // Each queue says how much it holds, as the API counts it; a row names whose permit it will be.
      const counts = (await api.get('/api/v1/inbox?limit=1&counts=true').set(bearer(fo)).expect(200)).body
        .counts;
      expect(counts.agency).toBeGreaterThanOrEqual(queue.length);
      await expect(page.locator('#count-instansi').textContent()).resolves.toBe(`(${counts.agency})`);
      await expect(page.locator('#count-saya').textContent()).resolves.toBe(`(${counts.mine})`);
      await expect(page.locator('#count-terlambat').textContent()).resolves.toBe(`(${counts.overdue})`);

      // Narrowed to a kecamatan: the files whose form names one of its kelurahan, each row naming it.
      await page.selectOption('#jenis', '');
      await page.selectOption('#wilayah', '32.71.03');
      await Promise.all([
        page.waitForURL(/wilayah=32\.71\.03&/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      const inTengah = (
        await api.get('/api/v1/inbox?scope=agency&area=32.71.03&limit=25').set(bearer(fo)).expect(200)
      ).body.items as Array<{ trackingNumber: string; area: { village: string; district: string } | null }>;
      expect(inTengah.map((t) => t.trackingNumber)).toContain(trackingNumber);
      expect(inTengah.every((t) => t.area?.district === 'Bogor Tengah')).toBe(true);
      expect(await rows.count()).toBe(inTengah.length);
      await expect(
        rows.filter({ hasText: trackingNumber }).locator('.app-place').textContent(),
      ).resolves.toBe('Kel. Sempur, Kec. Bogor Tengah');
      expect(await page.inputValue('#wilayah')).toBe('32.71.03');
      await expectAccessible();
      await page.selectOption('#wilayah', '');

      // A file is found by its number however it is typed, or by its holder's name.
      await page.fill('#cari', trackingNumber.toLowerCase().replace(/-/g, ' '));
      await Promise.all([page.waitForURL(/cari=/), page.getByRole('button', { name: 'Tampilkan' }).click()]);
      expect(await rows.count()).toBe(1);
      await expect(rows.first().textContent()).resolves.toContain(trackingNumber);
      await expect(rows.first().textContent()).resolves.toContain('Siti Aminah');
      await page.fill('#cari', 'nama yang tidak ada');
      await Promise.all([
        page.waitForURL(/cari=nama/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      await expect(page.locator('#queue-empty').textContent()).resolves.toContain(
        'Tidak ada tugas yang cocok',
      );
      await expectAccessible();

      // By the applicant's NIK, typed in groups: that person's files, and nobody else's.
      await page.fill('#cari', demo.person.nik.replace(/(\d{4})(?=\d)/g, '$1 '));
      await Promise.all([
        page.waitForURL(/cari=3271/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      const byNik = (
        await api.get(`/api/v1/inbox?scope=agency&limit=25&q=${demo.person.nik}`).set(bearer(fo)).expect(200)
      ).body.items as Array<{ trackingNumber: string; holderName: string }>;
      expect(byNik.length).toBeGreaterThan(0);
      expect(byNik.every((t) => t.holderName === 'Siti Aminah')).toBe(true);
      const holders = await page.locator('#tasks tbody tr th').allTextContents();
      expect(holders).toHaveLength(byNik.length);
      for (const [i, holder] of holders.entries()) {
        expect(holder).toContain(byNik[i].trackingNumber);
        expect(holder).toContain('Siti Aminah');
      }
      // A NIK nobody holds finds nothing, and says so.
      await page.fill('#cari', '3271000000000099');
      await Promise.all([
        page.waitForURL(/cari=3271/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      await expect(page.locator('#queue-empty').textContent()).resolves.toContain(
        'Tidak ada tugas yang cocok',
      );

      // Narrowed to the tasks due soon, each row says so; the API finds the same ones.
      await page.fill('#cari', '');
      await page.selectOption('#keadaan', 'on-time');
      await Promise.all([
        page.waitForURL(/keadaan=on-time/),
        page.getByRole('button', { name: 'Tampilkan' }).click(),
      ]);
      const onTime = (
        await api.get('/api/v1/inbox?scope=agency&dueState=on-time&limit=25').set(bearer(fo)).expect(200)
      ).body.items as Array<{ id: string; dueState: string }>;
      expect(onTime.length).toBeGreaterThan(0);
      expect(onTime.every((t) => t.dueState === 'on-time')).toBe(true);
      expect(await rows.count()).toBe(onTime.length);
      for (const tag of await page.locator('#tasks tbody .govuk-tag').allTextContents())
        expect(tag).toContain('Tepat waktu');

      // Saved under a name and shared, the view is a link on the desk of every officer of the office.
      await page.click('#save-view summary');
      await page.fill('#nama-tampilan', `Tepat waktu ${javaScriptEnabled ? 'JS' : 'HTML'}`);
      await page.check('#bagikan');
      await Promise.all([
        page.waitForURL(/disimpan=1/),
        page.getByRole('button', { name: 'Simpan tampilan' }).click(),
      ]);
      await expect(page.locator('#done').textContent()).resolves.toContain('Tampilan tersimpan');
      expect(page.url()).toContain('keadaan=on-time');
      const savedView = page.locator('#views a', {
        hasText: `Tepat waktu ${javaScriptEnabled ? 'JS' : 'HTML'}`,
      });
      await expectAccessible();
      const colleague = await browser.newContext({ javaScriptEnabled });
      const theirDesk = await colleague.newPage();
      const verifier = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('verifier'))!;
      await signInThroughForm(theirDesk, verifier.email, '/meja');
      const shared = theirDesk.locator('.app-saved-view', {
        hasText: `Tepat waktu ${javaScriptEnabled ? 'JS' : 'HTML'}`,
      });
      await expect(shared.textContent()).resolves.toContain(`dibagikan oleh ${frontOffice.name}`);
      expect(await shared.getByRole('button').count()).toBe(0); // only its owner removes it
      await colleague.close();
      // Its owner opens it from another queue, then removes it.
      await page.goto(`${system.webUrl}/meja`);
      await Promise.all([page.waitForURL(/keadaan=on-time/), savedView.click()]);
      expect(await rows.count()).toBe(onTime.length);
      await Promise.all([
        page.waitForURL(/dihapus=1/),
        page
          .locator('.app-saved-view', { hasText: `Tepat waktu ${javaScriptEnabled ? 'JS' : 'HTML'}` })
          .getByRole('button', { name: /Hapus/ })
          .click(),
      ]);
      expect(await savedView.count()).toBe(0);

      // Claimed from its row, a task moves to "my tasks"; released, it goes back.
      const first = queue.find((t) => t.status === 'open')!;
      await page.goto(`${system.webUrl}/meja?antrean=instansi`);
      await Promise.all([
        page.waitForURL(/antrean=saya&diambil=1/),
        page.getByRole('button', { name: `Ambil ${first.trackingNumber}` }).click(),
      ]);
      await expect(page.locator('#done').textContent()).resolves.toContain('Tugas diambil');
      await expect(page.locator(`#task-${first.id}`).textContent()).resolves.toContain(first.trackingNumber);
      await expectAccessible();

      // Released meanwhile in another tab, the stale "Lepas" is explained, not an error page.
      await api.post(`/api/v1/tasks/${first.id}/release`).set(bearer(fo)).expect(200);
      await Promise.all([
        page.waitForURL(/antrean=saya&bentrok=1/),
        page.getByRole('button', { name: `Lepas ${first.trackingNumber}` }).click(),
      ]);
      await expect(page.locator('#conflict').textContent()).resolves.toContain('tidak lagi Anda pegang');
      expect(await page.locator(`#task-${first.id}`).count()).toBe(0);
      await expectAccessible();

      // Two tasks ticked and claimed at once; one finished meanwhile is reported, not hidden.
      await the.submittedSip(citizen);
      await page.goto(`${system.webUrl}/meja?antrean=instansi`);
      // Two whose paper dossiers are at this office and not travelling: other suites send theirs on.
      const open: Awaited<ReturnType<typeof inbox>> = [];
      for (const t of await inbox('agency')) {
        if (open.length === 2 || t.status !== 'open' || t.stage !== 'verification') continue;
        const dossier = await api.get(`/api/v1/dossiers/${t.trackingNumber}`).set(bearer(fo));
        if (dossier.body.status === 'open' && dossier.body.holder?.code === 'DPMPTSP') open.push(t);
      }
      expect(open).toHaveLength(2);
      for (const t of open) await page.check(`#pick-${t.id}`);
      expect((await the.act(fo, open[1].applicationId, 'complete')).status).toBe(200);
      await Promise.all([
        page.waitForURL(/\/meja\/massal$/),
        page.getByRole('button', { name: 'Ambil yang dipilih' }).click(),
      ]);
      await expect(page.locator('#bulk-summary').textContent()).resolves.toContain('1 berhasil, 1 gagal');
      const outcomes = await page.locator('#outcomes tbody').textContent();
      expect(outcomes).toContain(open[0].trackingNumber);
      expect(outcomes).toMatch(new RegExp(`${open[1].trackingNumber}\\s*Gagal\\s*sudah diselesaikan`));
      await expectAccessible();
      await Promise.all([
        page.waitForLoadState(),
        page.getByRole('button', { name: 'Coba lagi 1 tugas yang gagal' }).click(),
      ]);
      await expect(page.locator('#bulk-summary').textContent()).resolves.toContain('0 berhasil, 1 gagal');

      // The claimed file's paper dossier, ticked on "my tasks", handed to public works in bulk.
      await page.goto(`${system.webUrl}/meja?antrean=saya`);
      await page.check(`#pick-${open[0].id}`);
      const dpupr = await page.locator('#ke option', { hasText: '(DPUPR)' }).getAttribute('value');
      await page.selectOption('#ke', dpupr!);
      await page.fill('#catatan', 'Untuk pemeriksaan lapangan');
      await Promise.all([
        page.waitForURL(/\/meja\/massal$/),
        page.getByRole('button', { name: 'Kirim berkas fisik yang dipilih' }).click(),
      ]);
      // The table's words come along so that a refusal says why.
      expect({
        summary: await page.locator('#bulk-summary').textContent(),
        outcomes: (await page.locator('#outcomes tbody').textContent())?.replace(/\s+/g, ' '),
      }).toMatchObject({ summary: expect.stringContaining('1 berhasil, 0 gagal') });
      await expectAccessible();
      const moving = (await api.get(`/api/v1/dossiers/${open[0].trackingNumber}`).set(bearer(fo)).expect(200))
        .body;
      expect(moving.inTransit).toMatchObject({ to: { code: 'DPUPR' } });
      // Its row on "my tasks" says where the paper is, once tracking's event reaches the queue.
      await page.goto(`${system.webUrl}/meja?antrean=saya`);
      const paper = page.locator(`#task-${open[0].id} .app-paper`);
      await waitFor(async () => (await paper.count()) > 0 || (await page.reload(), null), 15000, 500);
      await expect(paper.textContent()).resolves.toContain('Berkas fisik dalam perjalanan DPMPTSP → DPUPR');

      // An applicant has no desk.
      const applicant = await browser.newContext({ javaScriptEnabled });
      const theirs = await applicant.newPage();
      await theirs.goto(`${system.webUrl}/masuk?next=/meja`);
      await theirs.fill('#username', demo.person.email);
      await theirs.fill('#password', demo.password);
      const [refused] = await Promise.all([
        theirs.waitForResponse((r) => r.url().endsWith('/meja')),
        theirs.getByRole('button', { name: 'Masuk' }).click(),
      ]);
      expect(refused.status()).toBe(403);
      await applicant.close();
    });

    it('works a file from its page: answers, documents and history; a return names what to fix, and the applicant sees it', async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const citizen = await the.signIn(demo.person.email);
      const sent = await the.submittedSip(citizen);
      const submitted = sent;
      const frontOffice = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('front-office'))!;

      // From the desk's row to the file's page.
      await signInThroughForm(page, frontOffice.nip, '/meja?antrean=instansi');
      const firstRow = page.locator('#tasks tbody tr a[href*="/meja/berkas/"]').first();
      await Promise.all([page.waitForURL(/\/meja\/berkas\/[0-9a-f-]{36}$/), firstRow.click()]);
      expect(await page.locator('h1').textContent()).toBeTruthy();
      await page.goto(`${system.webUrl}/meja/berkas/${sent.id}`);
      await expect(page.locator('.app-tracking-number').first().textContent()).resolves.toContain(
        submitted.trackingNumber,
      );
      await expect(page.locator('#summary').textContent()).resolves.toContain(submitted.holderName);
      await expect(page.locator('#answers').textContent()).resolves.toContain(SIP_FORM.strNumber);
      const documents = page.locator('#documents');
      await expect(documents.textContent()).resolves.toContain('rekomendasi.pdf');
      await expect(documents.textContent()).resolves.toContain(submitted.holderName); // who uploaded it
      const link = await documents.getByRole('link', { name: 'str.pdf' }).getAttribute('href');
      const download = await page.request.get(`${system.webUrl}${link}`);
      expect(download.status()).toBe(200);
      expect(download.headers()['content-type']).toBe('application/pdf');
      expect((await download.body()).equals(PDF)).toBe(true);
      await expect(page.locator('#history').textContent()).resolves.toContain('Permohonan diajukan');
      if (process.env.SHOTS)
        await page.screenshot({
          path: `${process.env.SHOTS}/file-page-${javaScriptEnabled}.png`,
          fullPage: true,
        });
      await expectAccessible();

      // A return without the note and the reason its stage asks for is stopped here, in words, before the API.
      const task = (await the.taskOf(await the.signIn(frontOffice.email), sent.id))!;
      const form = page.locator(`#task-${task.id} form.app-action-form`);
      await form.getByLabel('Kembalikan ke pemohon').check();
      await Promise.all([
        page.waitForLoadState(),
        form.getByRole('button', { name: 'Kirim tindakan' }).click(),
      ]);
      const summary = await page.locator('.govuk-error-summary').textContent();
      expect(summary).toContain('Tulis catatan');
      expect(summary).toContain('Pilih alasan untuk “Kembalikan ke pemohon”');
      await expectAccessible();

      // With a reason from the stage's list, the note and the fix list: what to correct, which
      // document to upload again.
      const again = page.locator(`#task-${task.id} form.app-action-form`);
      expect(await again.getByLabel('Kembalikan ke pemohon').isChecked()).toBe(true);
      await again.getByLabel('Dokumen tidak terbaca atau tidak sah').check();
      await again.getByLabel('Nomor STR').check();
      await again.getByLabel('STR yang masih berlaku').check();
      await again.getByLabel('Catatan').fill('STR sudah habis masa berlakunya.\nUnggah STR yang baru.');
      await Promise.all([
        page.waitForURL(/selesai=tindakan/),
        again.getByRole('button', { name: 'Kirim tindakan' }).click(),
      ]);
      await expect(page.locator('#done').textContent()).resolves.toContain('Tindakan Anda tercatat');
      await expect(page.locator('#summary').textContent()).resolves.toContain('Perlu diperbaiki');
      const history = await page.locator('#history tbody tr').last().textContent();
      expect(history).toContain('Kembalikan ke pemohon');
      expect(history).toContain(frontOffice.name);
      expect(history).toContain('Loket'); // the capacity the officer acted in
      expect(history).toContain('Alasan: Dokumen tidak terbaca atau tidak sah');
      expect(history).toContain('STR sudah habis');
      await expectAccessible();
      const returned = (await api.get(`/api/v1/applications/${sent.id}`).set(bearer(citizen)).expect(200))
        .body;
      expect(returned.correction).toMatchObject({ fields: ['strNumber'], documents: ['certificate'] });
      // The desk's list of files waiting on their applicants has it, with what was asked.
      await Promise.all([page.waitForURL(/\/meja$/), page.goto(`${system.webUrl}/meja`)]);
      await Promise.all([page.waitForURL(/\/meja\/dikembalikan$/), page.click('#returned-link')]);
      const waiting = await page.locator(`#returned-${sent.id}`).textContent();
      expect(waiting).toContain(submitted.trackingNumber);
      expect(waiting).toContain('1 isian, 1 dokumen');
      await expectAccessible();
      await page.goto(`${system.webUrl}/meja/berkas/${sent.id}`);

      // The applicant's task list names both, with the officer's words.
      const applicant = await browser.newContext({ javaScriptEnabled });
      const theirs = await applicant.newPage();
      await signInThroughForm(theirs, demo.person.email, `/permohonan/${sent.id}`);
      const asked = await theirs.locator('#correction').textContent();
      expect(asked).toContain('Nomor STR');
      expect(asked).toContain('STR yang masih berlaku');
      expect(asked).toContain('STR sudah habis');
      await applicant.close();

      // Resubmitted, the stage opens again; a form left open after another officer acted is explained.
      await api.post(`/api/v1/applications/${sent.id}/resubmit`).set(bearer(citizen)).expect(200);
      await page.goto(`${system.webUrl}/meja/berkas/${sent.id}`);
      const foToken = await the.signIn(frontOffice.email);
      const reopened = (await the.taskOf(foToken, sent.id))!;
      expect((await the.act(foToken, sent.id, 'complete')).status).toBe(200);
      const stale = page.locator(`#task-${reopened.id} form.app-action-form`);
      await stale.getByLabel('Lengkap dan benar').check();
      await Promise.all([
        page.waitForURL(/bentrok=1/),
        stale.getByRole('button', { name: 'Kirim tindakan' }).click(),
      ]);
      await expect(page.locator('#conflict').textContent()).resolves.toContain(
        'Petugas lain sudah bertindak',
      );
      await expectAccessible();

      // The reviewer of the next stage (DINKES, working digitally) reads the documents; an agency
      // the file never reached cannot open it by its address.
      const dinkes = await browser.newContext({ javaScriptEnabled });
      const reviewer = await dinkes.newPage();
      const reviewerEmail = officer('DINKES', 'reviewer');
      await signInThroughForm(reviewer, reviewerEmail, `/meja/berkas/${sent.id}`);
      await expect(
        reviewer.locator(`#task-${(await the.taskOf(await the.signIn(reviewerEmail), sent.id))!.id}`).count(),
      ).resolves.toBe(1);
      // Tracking learns of the stage from its event, a moment after the action.
      const read = await waitFor(
        async () => ((await reviewer.request.get(`${system.webUrl}${link}`)).status() === 200 ? true : null),
        20000,
        200,
      );
      expect(read).toBe(true);
      await dinkes.close();
      const dlh = await browser.newContext({ javaScriptEnabled });
      const stranger = await dlh.newPage();
      await signInThroughForm(stranger, officer('DLH', 'reviewer'), '/meja');
      const refused = await stranger.goto(`${system.webUrl}/meja/berkas/${sent.id}`);
      expect(refused?.status()).toBe(404);
      await dlh.close();
    });

    it('hands a paper dossier to another agency in the browser: what goes in the folder, the receipt and cover sheet; the addressee receives it from their list', async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const citizen = await the.signIn(demo.person.email);
      const sent = await the.submittedSip(citizen);
      const { trackingNumber } = sent;

      // From the file's page, where the paper is, to the form that sends it on.
      await signInThroughForm(page, officer('DPMPTSP', 'front-office'), `/meja/berkas/${sent.id}`);
      await Promise.all([page.waitForURL(/\/kirim$/), page.click('#send-paper')]);
      await Promise.all([
        page.waitForLoadState(),
        page.getByRole('button', { name: 'Kirim dan buat tanda terima' }).click(),
      ]);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
        'Pilih instansi tujuan',
      );
      await expectAccessible();
      const dpupr = (await page.locator('#tujuan option').allTextContents()).find((o) =>
        o.includes('(DPUPR)'),
      )!;
      await page.selectOption('#tujuan', { label: dpupr });
      await page.fill('#isi-0', 'Surat rekomendasi asli');
      await page.fill('#jumlah-0', '2');
      await page.fill('#catatan', 'Mohon diperiksa sebelum rapat teknis.');
      await Promise.all([
        page.waitForLoadState(),
        page.getByRole('button', { name: 'Kirim dan buat tanda terima' }).click(),
      ]);
      await expect(page.locator('#receipt-status').textContent()).resolves.toContain('Dalam pengiriman');
      await expect(page.locator('main').textContent()).resolves.toContain('Surat rekomendasi asli × 2');
      const cover = await page.request.get(
        `${system.webUrl}${await page.getAttribute('#cover-sheet', 'href')}`,
      );
      expect(cover.status()).toBe(200);
      expect(cover.headers()['content-type']).toBe('application/pdf');
      await expectAccessible();
      await Promise.all([
        page.waitForURL(/daftar=keluar/),
        page.getByRole('link', { name: 'Dikirim, belum diterima' }).click(),
      ]);
      await expect(page.locator(`#dossier-${trackingNumber}`).textContent()).resolves.toContain(
        'Dari DPMPTSP ke DPUPR',
      );
      await expectAccessible();

      // The addressee finds it waiting for their receipt and receives it from the row.
      const other = await browser.newContext({ javaScriptEnabled });
      const theirs = await other.newPage();
      await signInThroughForm(theirs, officer('DPUPR', 'reviewer'), '/meja');
      await Promise.all([theirs.waitForURL(/berkas-fisik$/), theirs.click('#paper-link')]);
      await Promise.all([
        theirs.waitForURL(new RegExp(`/berkas/${trackingNumber}$`)),
        theirs.getByRole('button', { name: `Terima ${trackingNumber}` }).click(),
      ]);
      await expect(theirs.locator('#receipt-status').textContent()).resolves.toContain('Diterima');
      await expectAccessible(theirs);
      await other.close();
      const dossier = (await api.get(`/api/v1/dossiers/${trackingNumber}`).set(bearer(citizen)).expect(200))
        .body;
      expect(dossier.holder.code).toBe('DPUPR');
    });

    it('makes an officer an admin added choose their own password before anything else', async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const admin = await the.signIn(officer('DPMPTSP', 'system-admin'));
      const agencyId = (await api.get('/api/v1/me').set(bearer(admin)).expect(200)).body.principal.agencyId;
      const newcomer = {
        nip: `19950505202012100${javaScriptEnabled ? 5 : 6}`,
        email: `loket.baru.${javaScriptEnabled ? 'on' : 'off'}@dpmptsp.example.id`,
        initial: 'sandi awal dari admin',
        own: 'kopi pagi di loket satu',
      };
      await api
        .post('/api/v1/admin/staff')
        .set(bearer(admin))
        .send({
          nip: newcomer.nip,
          name: 'Petugas Baru',
          email: newcomer.email,
          agencyId,
          position: 'Petugas Loket',
          roles: ['front-office'],
          password: newcomer.initial,
        })
        .expect(201);
      const first = (
        await api
          .post('/api/v1/auth/login')
          .send({ username: newcomer.email, password: newcomer.initial })
          .expect(200)
      ).body;
      expect(first.passwordChangeRequired).toBe(true);
      // The API itself answers nothing else until the officer chooses their own password.
      const refused = await api.get('/api/v1/inbox').set(bearer(first.accessToken)).expect(403);
      expect(refused.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      await api.get('/api/v1/me').set(bearer(first.accessToken)).expect(200);

      // Signed in with the initial password, the officer is sent to choose their own; no page opens first.
      await page.goto(`${system.webUrl}/masuk`);
      await page.fill('#username', newcomer.nip);
      await page.fill('#password', newcomer.initial);
      await Promise.all([
        page.waitForURL(/\/akun\/sandi$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await expect(page.locator('#initial-password').textContent()).resolves.toContain('kata sandi awal');
      await expectAccessible();
      await page.goto(`${system.webUrl}/meja`);
      expect(new URL(page.url()).pathname).toBe('/akun/sandi');
      // The initial password "changed" to itself would stay the one the admin knows.
      await page.fill('#currentPassword', newcomer.initial);
      await page.fill('#newPassword', newcomer.initial);
      await Promise.all([
        page.waitForLoadState(),
        page.getByRole('button', { name: 'Ubah kata sandi' }).click(),
      ]);
      expect(await page.locator('.govuk-error-summary').count()).toBe(1);
      await page.fill('#currentPassword', newcomer.initial);
      await page.fill('#newPassword', newcomer.own);
      await Promise.all([
        page.waitForURL(/\/meja\?sandi=1$/),
        page.getByRole('button', { name: 'Ubah kata sandi' }).click(),
      ]);
      await expect(page.locator('#done').textContent()).resolves.toContain('Kata sandi baru Anda tersimpan');
      await expectAccessible();
      const again = (
        await api
          .post('/api/v1/auth/login')
          .send({ username: newcomer.email, password: newcomer.own })
          .expect(200)
      ).body;
      expect(again.passwordChangeRequired).toBeUndefined();
    });

    it("shows a supervisor the team's load; a task is given to another officer with the reason, and the history keeps it", async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const citizen = await the.signIn(demo.person.email);
      const sent = await the.submittedSip(citizen);
      const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
      const task = (await the.taskOf(fo, sent.id))!;
      await api.post(`/api/v1/tasks/${task.id}/claim`).set(bearer(fo)).expect(200);
      // Left too long: past its due date, the SLA scheduler escalates it to the supervisors.
      await queryDatabase(
        system.databases.permits,
        `UPDATE tasks SET due_at = now() - interval '2 days' WHERE id = $1`,
        [task.id],
      );
      // A second front-office officer to take over while the first is on leave.
      const admin = await the.signIn(officer('DPMPTSP', 'system-admin'));
      const agencyId = (await api.get('/api/v1/me').set(bearer(admin)).expect(200)).body.principal.agencyId;
      const standIn = (
        await api
          .post('/api/v1/admin/staff')
          .set(bearer(admin))
          .send({
            nip: `19960606202112100${javaScriptEnabled ? 7 : 8}`,
            name: `Yusuf Pengganti ${javaScriptEnabled ? 'Satu' : 'Dua'}`,
            email: `pengganti.${javaScriptEnabled ? 'on' : 'off'}@dpmptsp.example.id`,
            agencyId,
            position: 'Petugas Loket',
            roles: ['front-office'],
            password: 'sandi awal pengganti',
          })
          .expect(201)
      ).body as { id: string; name: string };
      const supervisor = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('supervisor'))!;
      const frontOffice = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('front-office'))!;

      await page.goto(`${system.webUrl}/masuk?next=/meja`);
      await page.fill('#username', supervisor.email);
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(/\/meja$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await Promise.all([page.waitForURL(/\/meja\/tim$/), page.click('#team-link')]);
      const board = (
        await api
          .get('/api/v1/team')
          .set(bearer(await the.signIn(supervisor.email)))
          .expect(200)
      ).body;
      const rinaLoad = board.members.find((m: { name: string }) => m.name === frontOffice.name).load;
      expect(rinaLoad.open).toBeGreaterThanOrEqual(1);
      const rinaRow = await page.locator('#team tbody tr', { hasText: frontOffice.name }).textContent();
      expect(rinaRow).toContain(String(rinaLoad.open));
      await expect(page.locator('#team').textContent()).resolves.toContain(standIn.name);
      await expectAccessible();

      // On the file's page: the reason is asked for, then the task moves and the history says so.
      await page.goto(`${system.webUrl}/meja/berkas/${sent.id}`);
      const section = page.locator(`#task-${task.id}`);
      await section.getByText('Alihkan ke petugas lain').click();
      await section.getByLabel('Petugas (Loket)').selectOption({ label: standIn.name });
      await Promise.all([
        page.waitForLoadState(),
        section.getByRole('button', { name: 'Alihkan tugas' }).click(),
      ]);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Tulis alasan');
      await expectAccessible();
      const again = page.locator(`#task-${task.id}`);
      await again.getByLabel('Alasan').fill('Rina cuti sampai Senin');
      await Promise.all([
        page.waitForURL(/selesai=dialihkan/),
        again.getByRole('button', { name: 'Alihkan tugas' }).click(),
      ]);
      await expect(page.locator('#done').textContent()).resolves.toContain('Tugas dialihkan');
      const last = await page.locator('#history tbody tr').last().textContent();
      expect(last).toContain(`Tugas dialihkan ke ${standIn.name}`);
      expect(last).toContain(supervisor.name);
      expect(last).toContain('Rina cuti sampai Senin');
      await expectAccessible();
      const moved = (await api.get(`/api/v1/applications/${sent.id}`).set(bearer(fo)).expect(200)).body;
      expect(moved.openTasks[0]).toMatchObject({ id: task.id, status: 'claimed', claimedBy: standIn.id });

      // The escalations list has the late task (the scheduler passes every 2 seconds here), being worked.
      await Promise.all([page.waitForURL(/\/meja\/tim$/), page.goto(`${system.webUrl}/meja/tim`)]);
      await Promise.all([page.waitForURL(/\/meja\/eskalasi$/), page.click('#escalations-link')]);
      const row = page.locator(`#escalated-${task.id}`);
      await waitFor(async () => (await row.count()) > 0 || (await page.reload(), null), 15000, 500);
      await expect(row.textContent()).resolves.toContain('Sedang ditangani');
      await expectAccessible();
    });

    it("lets the receiving officer scan a paper dossier's QR code, sign in and receive it", async () => {
      // A dossier on its way from DPMPTSP to DPUPR, sent through the API.
      const api = request(system.gatewayUrl);
      const the = people(api);
      const [fo, pu] = [
        await the.signIn(officer('DPMPTSP', 'front-office')),
        await the.signIn(officer('DPUPR', 'reviewer')),
      ];
      const origin = (await api.get('/api/v1/me').set(bearer(fo)).expect(200)).body.principal.agencyId;
      const to = (await api.get('/api/v1/me').set(bearer(pu)).expect(200)).body.principal.agencyId;
      const tn: string = (
        await api
          .post('/api/v1/dossiers')
          .set(bearer(fo))
          .send({ title: 'Berkas fisik untuk dipindai', kind: 'letter', originAgencyId: origin })
          .expect(201)
      ).body.trackingNumber;
      await api
        .post(`/api/v1/dossiers/${tn}/handoffs`)
        .set(bearer(fo))
        .send({ toAgencyId: to, physicalItems: [{ description: 'Map biru', quantity: 1 }] })
        .expect(201);

      await page.goto(`${system.webUrl}/berkas/${tn.toLowerCase()}`);
      await expect(page.locator('#status').textContent()).resolves.toBe('Dalam pengiriman antarinstansi');
      await expectAccessible();
      // Signed in once in this browser, the officer comes back to the dossier and receives it.
      await Promise.all([page.waitForURL(/\/masuk\?next=/), page.click('#sign-in-to-receive')]);
      await page.fill('#username', officer('DPUPR', 'reviewer'));
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(new RegExp(`/berkas/${tn.toLowerCase()}$`)),
        page.getByRole('button', { name: 'Masuk' }).click(),
      ]);
      await expectAccessible();
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Terima' }).click(),
      ]);
      await expect(page.locator('h1').textContent()).resolves.toContain('Tanda terima serah terima');
      await expect(page.locator('#receipt-status').textContent()).resolves.toContain('Diterima');
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await expectAccessible(); // the receipt, as the POST answered it
    });

    it('takes a walk-in at the counter: the officer enters the licence for them, and they claim it online with the texted code', async () => {
      const suffix = javaScriptEnabled ? '12' : '11';
      const shot = async (name: string, target: Page = page) => {
        if (process.env.SHOTS && !javaScriptEnabled)
          await target.screenshot({ path: `${process.env.SHOTS}/counter-${name}.png`, fullPage: true });
      };
      const walkIn = {
        name: 'Sumarni Wulandari',
        nik: `32710457038800${suffix}`,
        phone: `0813-2222-30${suffix}`,
      };
      await page.goto(`${system.webUrl}/masuk`);
      await page.fill('#username', officer('DPMPTSP', 'front-office'));
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(/\/meja$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await Promise.all([page.waitForURL(/\/loket$/), page.click('#counter-link')]);
      await expectAccessible();
      // Keyboard alone: the name, then a NIK one digit short; the form says which field and why.
      await page.focus('#name');
      await page.keyboard.type(walkIn.name);
      await page.keyboard.press('Tab');
      await page.keyboard.type(walkIn.nik.slice(1));
      await page.keyboard.press('Tab');
      await page.keyboard.type(walkIn.phone);
      await Promise.all([page.locator('.govuk-error-summary').waitFor(), page.keyboard.press('Enter')]);
      expect(
        await page.locator('.govuk-error-summary a').evaluateAll((a) => a.map((x) => x.getAttribute('href'))),
      ).toEqual(['#nik']);
      expect(await page.inputValue('#name')).toBe(walkIn.name);
      await shot('form-error');
      await expectAccessible();
      await page.fill('#nik', walkIn.nik);
      await Promise.all([page.waitForURL(/\/izin$/), page.click('#start-counter')]);
      // Every page now says whom the officer serves, and as whom it is recorded.
      await expect(page.locator('#counter-banner').textContent()).resolves.toContain(walkIn.name);
      await expect(page.locator('#signed-in-as').textContent()).resolves.toContain(walkIn.name);
      await shot('serving');
      await expectAccessible();

      // The portal's own pages and checks, worked by the officer.
      await page.goto(`${system.webUrl}/izin/SIP/ajukan`);
      await Promise.all([
        page.waitForURL(/\/permohonan\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Mulai permohonan' }).click(),
      ]);
      const tasks = page.url();
      await Promise.all([
        page.waitForURL(/\/data\/1$/),
        page.getByRole('link', { name: /Bagian 1 dari/ }).click(),
      ]);
      await page.check(`input[name="profession"][value="${SIP_FORM.profession}"]`);
      await page.fill('#strNumber', SIP_FORM.strNumber);
      await page.fill('#practiceAddress', SIP_FORM.practiceAddress);
      await Promise.all([
        page.waitForURL(/\/data\/2$/),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      await page.selectOption('#practiceArea', { label: 'Babakan' });
      await page.fill('#practiceOrder', '1');
      await Promise.all([
        page.waitForURL(tasks),
        page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click(),
      ]);
      // The walk-in's papers, scanned at the counter.
      for (const [name, file] of [
        ['KTP', { name: 'ktp-scan.png', mimeType: 'image/png', buffer: PNG }],
        ['STR yang masih berlaku', { name: 'str-scan.pdf', mimeType: 'application/pdf', buffer: PDF }],
        [
          'Rekomendasi organisasi profesi',
          { name: 'rekomendasi-scan.pdf', mimeType: 'application/pdf', buffer: PDF },
        ],
      ] as const) {
        await Promise.all([page.waitForURL(/\/dokumen\//), page.getByRole('link', { name }).click()]);
        await page.setInputFiles('#file', file);
        await Promise.all([page.waitForURL(tasks), page.getByRole('button', { name: 'Unggah' }).click()]);
      }
      await Promise.all([
        page.waitForURL(/\/periksa$/),
        page.getByRole('link', { name: 'Periksa jawaban lalu kirim' }).click(),
      ]);
      await page.check('#declaration');
      await Promise.all([
        page.waitForURL(/\/terkirim$/),
        page.getByRole('button', { name: 'Kirim permohonan' }).click(),
      ]);
      const number = (await page.locator('#tracking-number').textContent())!.trim();
      await expect(page.locator('#counter-next').textContent()).resolves.toContain(`****30${suffix}`);
      const receipt = await page.request.get(
        `${system.webUrl}${await page.getAttribute('#receipt', 'href')}`,
      );
      expect(receipt.status()).toBe(200);
      expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');
      if (process.env.SHOTS)
        require('node:fs').writeFileSync(`${process.env.SHOTS}/counter-receipt.pdf`, await receipt.body());
      await shot('sent');
      await expectAccessible();
      await Promise.all([page.waitForURL(/\/loket\?selesai=1$/), page.click('#finish-counter')]);
      await expect(page.locator('#counter-finished').count()).resolves.toBe(1);
      expect(await page.locator('#counter-banner').count()).toBe(0);
      await expect(page.locator('#signed-in-as').textContent()).resolves.not.toContain(walkIn.name);

      // Recorded as the officer's act for the walk-in.
      const api = request(system.gatewayUrl);
      const the = people(api);
      const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
      const id = new URL(tasks).pathname.split('/').pop()!;
      const history = (await api.get(`/api/v1/applications/${id}/history`).set(bearer(fo)).expect(200)).body;
      expect(history.entries.find((e: { type: string }) => e.type === 'submitted').actor).toMatchObject({
        kind: 'applicant',
        assistedByName: expect.any(String),
      });

      // At home, on their own phone: the number from the receipt and the code from the SMS.
      const sms = await waitFor(
        async () =>
          (await system.sms.messages(`+6281322223${'0' + suffix}`)).find((m) => /kode \d{6}/.test(m.body))
            ?.body ?? null,
        15000,
      );
      const code = /kode (\d{6})/.exec(sms)![1];
      const phone = await browser.newContext({
        viewport: { width: 360, height: 740 },
        locale: 'id-ID',
        javaScriptEnabled,
      });
      const own = await phone.newPage();
      try {
        await own.goto(`${system.webUrl}/masuk`);
        await Promise.all([own.waitForURL(/\/klaim$/), own.click('#claim-link')]);
        await expectAccessible(own);
        await own.fill('#trackingNumber', number.toLowerCase().replace(/-/g, ' '));
        await own.fill('#code', code === '111111' ? '222222' : '111111');
        await own.fill('#password', 'rumah di gang kenari');
        await Promise.all([own.locator('.govuk-error-summary').waitFor(), own.click('#claim-button')]);
        expect(await own.getAttribute('.govuk-error-summary a', 'href')).toBe('#code');
        await shot('claim-error', own);
        await expectAccessible(own);
        await own.fill('#code', code);
        await own.fill('#password', 'rumah di gang kenari');
        await Promise.all([own.waitForURL(/\/permohonan$/), own.click('#claim-button')]);
        await expect(own.locator('#applications').textContent()).resolves.toContain(number);
        await expect(own.locator('#signed-in-as').textContent()).resolves.toContain(walkIn.name);
        await expectAccessible(own);
      } finally {
        await phone.close();
      }
    });

    it("lets an agency's admin keep its staff: a unit, an officer added and changed, a Plh appointed and revoked, the officer deactivated", async () => {
      const on = javaScriptEnabled ? 'on' : 'off';
      const newcomer = {
        nip: javaScriptEnabled ? '199003152015031013' : '199003152015031012',
        name: `Rahmat Hidayat ${on.toUpperCase()}`,
        email: `rahmat.${on}@dpupr.example.id`,
      };
      const admin = demo.staff.find((s) => s.agency === 'DPUPR' && s.roles.includes('agency-admin'))!;
      const shot = async (name: string) => {
        if (process.env.SHOTS && !javaScriptEnabled)
          await page.screenshot({ path: `${process.env.SHOTS}/admin-${name}.png`, fullPage: true });
      };
      const reviewer = demo.staff.find((s) => s.agency === 'DPUPR' && s.roles.includes('reviewer'))!;
      await page.goto(`${system.webUrl}/masuk`);
      await page.fill('#username', admin.email);
      await page.fill('#password', demo.password);
      await Promise.all([
        page.waitForURL(/\/meja$/),
        page.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await Promise.all([page.waitForURL(/\/kelola\/pegawai$/), page.click('#manage-link')]);
      await expect(page.locator('#staff').textContent()).resolves.toContain(reviewer.name);
      await expectAccessible();

      // A unit first, to place the newcomer in.
      await Promise.all([page.waitForURL(/\/kelola\/unit$/), page.click('#admin-unit')]);
      await page.fill('#code', `bid-bangunan-${on}`);
      await page.fill('#name', `Bidang Tata Bangunan ${on}`);
      await Promise.all([page.waitForURL(/ditambahkan=1/), page.click('#add-unit')]);
      await expect(page.locator('#units').textContent()).resolves.toContain(
        `BID-BANGUNAN-${on.toUpperCase()}`,
      );
      await expectAccessible();

      // A newcomer: a short NIP is said first; then added with an initial password.
      await page.goto(`${system.webUrl}/kelola/pegawai/baru`);
      await page.fill('#nip', newcomer.nip.slice(0, 17));
      await page.fill('#email', newcomer.email);
      await page.fill('#name', newcomer.name);
      await page.fill('#position', 'Penelaah Teknis Bangunan');
      await page.selectOption('#unitId', { label: `Bidang Tata Bangunan ${on}` });
      await page.check('input[name="roles"][value="reviewer"]');
      await page.fill('#password', 'sandi awal penelaah');
      await Promise.all([page.locator('.govuk-error-summary').waitFor(), page.click('#add-button')]);
      expect(
        await page.locator('.govuk-error-summary a').evaluateAll((a) => a.map((x) => x.getAttribute('href'))),
      ).toEqual(['#nip']);
      expect(await page.inputValue('#name')).toBe(newcomer.name);
      await expectAccessible();
      await page.fill('#nip', newcomer.nip);
      await page.fill('#password', 'sandi awal penelaah');
      await Promise.all([page.waitForURL(/ditambahkan=1/), page.click('#add-button')]);
      const row = page.locator('#staff tbody tr', { hasText: newcomer.name });
      await expect(row.textContent()).resolves.toContain(`Bidang Tata Bangunan ${on}`);

      // Changed: a new position and a second role open a new assignment; the history keeps both.
      await Promise.all([
        page.waitForURL(/\/kelola\/pegawai\/[0-9a-f-]{36}$/),
        row.getByRole('link').click(),
      ]);
      const staffPage = page.url();
      await page.fill('#position', 'Kepala Seksi Bangunan');
      await page.check('input[name="roles"][value="supervisor"]');
      await Promise.all([page.waitForURL(/diubah=1/), page.click('#save-staff')]);
      await page.goto(staffPage);
      expect(await page.locator('#assignments tbody tr').count()).toBe(2);
      await shot('staff-edit');
      await expectAccessible();

      // A Plh for the reviewer while on leave, by warrant; revoked when they are back.
      await Promise.all([page.waitForURL(/\/kelola\/pegawai$/), page.click('#back-to-staff')]);
      await Promise.all([page.waitForURL(/\/kelola\/plt$/), page.click('#admin-plt')]);
      const today = new Date().toISOString().slice(0, 10);
      const inAWeek = new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
      await page.check('input[name="kind"][value="plh"]');
      const optionFor = async (select: string, name: string) =>
        (await page.locator(`${select} option`, { hasText: name }).first().getAttribute('value'))!;
      await page.selectOption('#holderId', await optionFor('#holderId', reviewer.name));
      await page.selectOption('#delegateId', await optionFor('#delegateId', newcomer.name));
      await page.fill('#startsOn', today);
      await page.fill('#endsOn', inAWeek);
      await Promise.all([page.locator('.govuk-error-summary').waitFor(), page.click('#add-delegation')]);
      expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#decreeNumber');
      await shot('delegation-error');
      await expectAccessible();
      await page.fill('#decreeNumber', `ST/800/${on}/2026`);
      await Promise.all([page.waitForURL(/ditetapkan=1/), page.click('#add-delegation')]);
      const appointed = page.locator('#delegations tbody tr', { hasText: newcomer.name });
      await expect(appointed.textContent()).resolves.toContain(`ST/800/${on}/2026`);
      await expect(appointed.textContent()).resolves.toContain(`PLH untuk ${reviewer.name}`);
      await shot('delegations');
      await expectAccessible();
      // The Plh, at their first sign-in (their own password first), sees the seat they act in.
      const plh = await browser.newContext({ javaScriptEnabled });
      const theirs = await plh.newPage();
      await theirs.goto(`${system.webUrl}/masuk`);
      await theirs.fill('#username', newcomer.email);
      await theirs.fill('#password', 'sandi awal penelaah');
      await Promise.all([
        theirs.waitForURL(/\/akun\/sandi$/),
        theirs.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await theirs.fill('#currentPassword', 'sandi awal penelaah');
      await theirs.fill('#newPassword', 'penelaah bangunan sendiri');
      await Promise.all([
        theirs.waitForURL(/\/meja\?sandi=1$/),
        theirs.getByRole('button', { name: 'Ubah kata sandi' }).click(),
      ]);
      await expect(theirs.locator('#seats').textContent()).resolves.toContain(
        `PLH Tim teknis DPUPR untuk ${reviewer.name}`,
      );
      await expectAccessible(theirs);
      await plh.close();
      await Promise.all([
        page.waitForURL(/dicabut=1/),
        appointed.getByRole('button', { name: /Cabut/ }).click(),
      ]);
      expect(await page.locator('#delegations tbody tr', { hasText: newcomer.name }).count()).toBe(0);

      // The region's days off, read here; a system admin edits them.
      await Promise.all([page.waitForURL(/\/kelola\/hari-libur$/), page.click('#admin-libur')]);
      expect(await page.locator('#holidays tbody tr').count()).toBeGreaterThan(5);
      expect(await page.locator('#add-holiday').count()).toBe(0);
      await expectAccessible();

      // Deactivated: they can no longer sign in.
      await page.goto(staffPage);
      await Promise.all([page.waitForURL(/diubah=1/), page.click('#deactivate')]);
      await page.goto(staffPage);
      await expect(page.locator('#staff-status').textContent()).resolves.toBe('Nonaktif');
      const api = request(system.gatewayUrl);
      await api
        .post('/api/v1/auth/login')
        .send({ username: newcomer.email, password: 'penelaah bangunan sendiri' })
        .expect(401);
    });
    it('walks a building approval through every desk in the browser: completeness, parallel reviews with the paper dossier, a return fixed in the portal, the levy, the decision, the permit verified', async () => {
      const api = request(system.gatewayUrl);
      const the = people(api);
      const [rudi] = demo.company.members;
      const company = await the.signIn(rudi.email);
      const draft = (
        await api
          .post('/api/v1/applications')
          .set(bearer(company))
          .send({ permitType: 'PBG', regionCode: '3271' })
          .expect(201)
      ).body as { id: string };
      for (const [kind, bytes, name] of [
        ['identity-card', PNG, 'ktp-direktur.png'],
        ['certificate', PDF, 'shm.pdf'],
        ['technical-drawing', PDF, 'gambar-arsitektur.pdf'],
        ['site-plan', PDF, 'gambar-situasi.pdf'],
      ] as const)
        await the.upload(company, draft.id, kind, bytes, name).expect(201);
      await api
        .patch(`/api/v1/applications/${draft.id}`)
        .set(bearer(company))
        .send({
          form: {
            buildingFunction: 'usaha',
            address: 'Jl. Pajajaran 21, Bogor',
            siteArea: '32.71.02.1002',
            floorArea: 240,
            floors: 2,
            buildingIndex: 1.25,
            landCertificate: 'SHM-2210/2019',
          },
        })
        .expect(200);
      const { trackingNumber } = (
        await api.post(`/api/v1/applications/${draft.id}/submit`).set(bearer(company)).expect(200)
      ).body as { trackingNumber: string };
      const id = draft.id;
      const filePath = `/meja/berkas/${id}`;
      const contexts: BrowserContext[] = [];
      /** An officer at their desk (a desk-sized window), signed in through the sign-in page. */
      const atDesk = async (agency: string, role: string) => {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          locale: 'id-ID',
          javaScriptEnabled,
        });
        contexts.push(context);
        const p = await context.newPage();
        await p.goto(`${system.webUrl}/masuk`);
        await p.fill('#username', officer(agency, role));
        await p.fill('#password', demo.password);
        await Promise.all([
          p.waitForURL(/\/meja$/),
          p.getByRole('button', { name: 'Masuk', exact: true }).click(),
        ]);
        return p;
      };
      /** Waits for the file's open task at the agency (events move files a moment after an act). */
      const openTaskAt = (agency: string) =>
        waitFor(
          async () =>
            (
              (await api.get(`/api/v1/applications/${id}`).set(bearer(company)).expect(200)).body
                .openTasks as Array<{
                id: string;
                agencyCode: string;
              }>
            ).find((t) => t.agencyCode === agency) ?? null,
          20000,
          200,
        );
      /** Takes an action from the file's page, the note and fix list filled as given. */
      const actOnFile = async (
        p: Page,
        agency: string,
        action: string,
        extra: { note?: string; fix?: string[] } = {},
      ) => {
        const task = await openTaskAt(agency);
        await p.goto(`${system.webUrl}${filePath}`);
        const form = p.locator(`#task-${task.id} form.app-action-form`);
        await form.getByLabel(action, { exact: true }).check();
        for (const label of extra.fix ?? []) await form.getByLabel(label).check();
        if (extra.note) await form.getByLabel('Catatan').fill(extra.note);
        await Promise.all([
          p.waitForURL(/selesai=tindakan/),
          form.getByRole('button', { name: 'Kirim tindakan' }).click(),
        ]);
        await expectAccessible(p);
      };
      /** Receives the paper dossier from the officer's list once it is on its way to them. */
      const receiveDossier = async (p: Page) => {
        await p.goto(`${system.webUrl}/meja/berkas-fisik`);
        const button = p.getByRole('button', { name: `Terima ${trackingNumber}` });
        await waitFor(async () => (await button.count()) > 0 || (await p.reload(), null), 20000, 500);
        await Promise.all([p.waitForURL(new RegExp(`/berkas/${trackingNumber}$`)), button.click()]);
        await expect(p.locator('#receipt-status').textContent()).resolves.toContain('Diterima');
      };

      try {
        // The front office finds the file by its number and declares it complete, keyboard alone.
        const rina = await atDesk('DPMPTSP', 'front-office');
        await Promise.all([rina.waitForURL(/antrean=instansi/), rina.click('#queue-instansi')]);
        await rina.focus('#cari');
        await rina.keyboard.type(trackingNumber.toLowerCase());
        await Promise.all([rina.waitForURL(/cari=/), rina.keyboard.press('Enter')]);
        await Promise.all([
          rina.waitForURL(new RegExp(`${filePath}$`)),
          rina.getByRole('link', { name: trackingNumber }).first().click(),
        ]);
        const first = await openTaskAt('DPMPTSP');
        const firstForm = rina.locator(`#task-${first.id} form.app-action-form`);
        await firstForm.getByLabel('Lengkap dan benar', { exact: true }).focus();
        await rina.keyboard.press('Space');
        await firstForm.getByRole('button', { name: 'Kirim tindakan' }).focus();
        await Promise.all([rina.waitForURL(/selesai=tindakan/), rina.keyboard.press('Enter')]);
        await expectAccessible(rina);

        // Parallel reviews: public works receives the paper dossier; environment works on the digital file.
        const agus = await atDesk('DPUPR', 'reviewer');
        await receiveDossier(agus);
        await expectAccessible(agus);
        const fajar = await atDesk('DLH', 'reviewer');
        await actOnFile(fajar, 'DLH', 'Minta perbaikan ke pemohon', {
          note: 'Bangunan usaha: lampirkan SPPL.',
          fix: ['Dokumen lingkungan (SPPL/UKL-UPL)'],
        });

        // The company fixes it in the portal: the document asked for, then sent again.
        const portal = await browser.newContext({
          viewport: { width: 360, height: 740 },
          locale: 'id-ID',
          javaScriptEnabled,
        });
        contexts.push(portal);
        const own = await portal.newPage();
        await own.goto(`${system.webUrl}/masuk?next=/permohonan/${id}`);
        await own.fill('#username', rudi.email);
        await own.fill('#password', demo.password);
        await Promise.all([
          own.waitForURL(new RegExp(`/permohonan/${id}$`)),
          own.getByRole('button', { name: 'Masuk', exact: true }).click(),
        ]);
        await expect(own.locator('#correction').textContent()).resolves.toContain('lampirkan SPPL');
        await Promise.all([
          own.waitForURL(/\/dokumen\//),
          own.getByRole('link', { name: 'Dokumen lingkungan (SPPL/UKL-UPL)' }).click(),
        ]);
        await own.setInputFiles('#file', { name: 'sppl.pdf', mimeType: 'application/pdf', buffer: PDF });
        await Promise.all([
          own.waitForURL(new RegExp(`/permohonan/${id}$`)),
          own.getByRole('button', { name: 'Unggah' }).click(),
        ]);
        await Promise.all([
          own.waitForURL(/\/periksa$/),
          own.getByRole('link', { name: 'Periksa jawaban lalu kirim' }).click(),
        ]);
        await own.check('#declaration');
        await Promise.all([
          own.waitForURL(/\/terkirim$/),
          own.getByRole('button', { name: 'Kirim permohonan' }).click(),
        ]);
        await expectAccessible(own);

        // Both reviews approve; the dossier comes back to the one-stop office for the levy. Environment
        // attaches its review memo; a file of the wrong kind beside it is refused by name, and the
        // memo, uploaded already, stays with the form and goes with the action when sent again.
        const dlhTask = await openTaskAt('DLH');
        await fajar.goto(`${system.webUrl}${filePath}`);
        const dlhForm = fajar.locator(`#task-${dlhTask.id} form.app-action-form`);
        await dlhForm.getByLabel('Setujui', { exact: true }).check();
        await dlhForm.locator('input[type=file]').setInputFiles([
          { name: 'telaah-lingkungan.pdf', mimeType: 'application/pdf', buffer: PDF },
          { name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan dokumen') },
        ]);
        await Promise.all([
          fajar.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 400),
          dlhForm.getByRole('button', { name: 'Kirim tindakan' }).click(),
        ]);
        await fajar.waitForLoadState();
        await expect(fajar.locator('.govuk-error-summary').textContent()).resolves.toContain('catatan.txt');
        await expect(fajar.locator(`#lampiran-terunggah-${dlhTask.id}`).textContent()).resolves.toContain(
          'telaah-lingkungan.pdf',
        );
        await expectAccessible(fajar);
        await Promise.all([
          fajar.waitForURL(/selesai=tindakan/),
          fajar
            .locator(`#task-${dlhTask.id} form.app-action-form`)
            .getByRole('button', { name: 'Kirim tindakan' })
            .click(),
        ]);
        const memo = fajar.locator('#history').getByRole('link', { name: 'telaah-lingkungan.pdf' });
        const opened = await fajar.request.get(
          new URL((await memo.getAttribute('href'))!, system.webUrl).href,
        );
        expect(opened.status()).toBe(200);
        expect((await opened.body()).subarray(0, 5).toString()).toBe('%PDF-');
        await actOnFile(agus, 'DPUPR', 'Setujui');
        const budi = await atDesk('DPMPTSP', 'verifier');
        await receiveDossier(budi);
        await budi.goto(`${system.webUrl}${filePath}`);
        await waitFor(
          async () => (await budi.locator('#tagihan-form').count()) > 0 || (await budi.reload(), null),
          20000,
          500,
        );
        await budi.fill('#referensi', `BJB-${trackingNumber.slice(-6)}`);
        await Promise.all([
          budi.waitForURL(/selesai=pembayaran/),
          budi.getByRole('button', { name: 'Catat pembayaran' }).click(),
        ]);
        await expectAccessible(budi);
        await actOnFile(budi, 'DPMPTSP', 'Retribusi lunas');
        await actOnFile(await atDesk('DPMPTSP', 'supervisor'), 'DPMPTSP', 'Setujui');
        await actOnFile(rina, 'DPMPTSP', 'Terbitkan');

        // The company's permit, verified from its QR code's link.
        await waitFor(async () => {
          await own.goto(`${system.webUrl}/permohonan/${id}/status`);
          return (await own.locator('#permit-pdf').count()) > 0 || null;
        }, 30000);
        await expect(own.locator('#status').textContent()).resolves.toContain('Izin terbit');
        await Promise.all([own.waitForURL(/\/verifikasi\//), own.click('#verify-link')]);
        await expect(own.locator('#verdict').textContent()).resolves.toBe('ASLI dan BERLAKU');
        await expect(own.locator('main').textContent()).resolves.toContain(demo.company.name);
        await expectAccessible(own);
        // Every desk's act is in the file's history.
        const supervisor = await the.signIn(officer('DPMPTSP', 'supervisor'));
        const history = (
          await api.get(`/api/v1/applications/${id}/history`).set(bearer(supervisor)).expect(200)
        ).body;
        expect(history.entries.map((e: { type: string }) => e.type)).toEqual(
          expect.arrayContaining(['submitted', 'action', 'resubmitted', 'fee-paid']),
        );
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
    });
  });
});
