import request from 'supertest';
import { demo } from './support/api';
import { queryDatabase } from './support/db';
import { csrfIn, postSignIn, sessionCookie } from './support/pages';
import { startSystem, type RunningSystem } from './support/system';

/**
 * The pages' sessions on the real stack: cookies, rows in the web service's own database, two
 * replicas, identity's refresh-token rotation, sign-out, and forged posts.
 */
describe('sessions of the pages', () => {
  let system: RunningSystem;
  let secondWeb: string;
  const started = new Date();

  beforeAll(async () => {
    system = await startSystem();
    secondWeb = await system.extraWeb(); // also what a restart looks like: a process that never saw the sign-in
  });
  afterAll(() => system?.stop());

  /** Signs in through the form; answers the cookie and the CSRF token of the signed-in session. */
  async function signIn(web = system.webUrl, username = demo.person.email) {
    const { res, cookie: pair } = await postSignIn(web, username, demo.password, { next: '/akun' });
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('/akun');
    const cookie = sessionCookie(res);
    const account = await request(web).get('/akun').set('cookie', pair).expect(200);
    return { cookie, csrf: csrfIn(account.text) };
  }

  const signInRows = () =>
    queryDatabase<{ id: string; renewed_at: Date | null }>(
      system.databases.web,
      'SELECT id, renewed_at FROM sign_ins',
    );

  it('keeps the sign-in in an HttpOnly, SameSite cookie that any replica honours, and renews tokens once for many requests', async () => {
    // A session id planted before sign-in (session fixation) is worth nothing after it.
    const form = await request(system.webUrl).get('/masuk').expect(200);
    const planted = sessionCookie(form).pair;
    const signedIn = await request(system.webUrl)
      .post('/masuk')
      .set('cookie', planted)
      .type('form')
      .send({ _csrf: csrfIn(form.text), username: demo.person.email, password: demo.password })
      .expect(303);
    expect(sessionCookie(signedIn).pair).not.toBe(planted);
    await request(system.webUrl).get('/akun').set('cookie', planted).expect(303);

    const { cookie } = await signIn();
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Lax/);
    expect(cookie.attributes).not.toMatch(/Secure/); // plain HTTP in development
    const other = await request(secondWeb).get('/akun').set('cookie', cookie.pair).expect(200);
    expect(other.text).toContain('Siti Aminah');

    // The access token has run out; eight requests find it so at once, on two replicas that have
    // not seen it yet (a replica keeps the tokens it read until they are about to expire).
    await queryDatabase(
      system.databases.web,
      `UPDATE sign_ins SET access_expires_at = now() - interval '1 minute'
       WHERE id = (SELECT id FROM sign_ins ORDER BY created_at DESC LIMIT 1) RETURNING id`,
    );
    const fresh = [await system.extraWeb(), await system.extraWeb()];
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request(fresh[i % 2])
          .get('/akun')
          .set('cookie', cookie.pair),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect((await signInRows()).filter((r) => r.renewed_at !== null)).toHaveLength(1);
    // One exchange of the refresh token: none was used twice, so identity revoked nothing.
    const [tokens] = await queryDatabase<{ used: number; revoked: number }>(
      system.databases.identity,
      `SELECT count(*) FILTER (WHERE used_at IS NOT NULL)::int AS used,
              count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked
       FROM refresh_tokens WHERE issued_at >= $1`,
      [started],
    );
    expect(tokens).toEqual({ used: 1, revoked: 0 });
    await request(fresh[0]).get('/akun').set('cookie', cookie.pair).expect(200);
  });

  it('ends the sign-in on sign-out: the copied cookie finds nobody on any replica, and the tokens are revoked', async () => {
    const since = new Date();
    const { cookie, csrf } = await signIn();
    const before = await signInRows();
    const out = await request(system.webUrl)
      .post('/keluar')
      .set('cookie', cookie.pair)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(out.headers['location']).toBe('/masuk?keluar=1');
    for (const web of [system.webUrl, secondWeb]) {
      const replay = await request(web).get('/akun').set('cookie', cookie.pair).expect(303);
      expect(replay.headers['location']).toBe('/masuk?next=%2Fakun');
    }
    expect((await signInRows()).length).toBe(before.length - 1);
    const [live] = await queryDatabase<{ n: number }>(
      system.databases.identity,
      `SELECT count(*)::int AS n FROM refresh_tokens WHERE issued_at >= $1 AND revoked_at IS NULL`,
      [since],
    );
    expect(live.n).toBe(0);
  });

  it('signs the page out when the sign-in was ended elsewhere, instead of showing an error', async () => {
    const { cookie } = await signIn();
    const [row] = await queryDatabase<{ refresh_token: string }>(
      system.databases.web,
      'SELECT refresh_token FROM sign_ins ORDER BY created_at DESC LIMIT 1',
    );
    // As if signed out on another device: identity revokes the sign-in and its access tokens.
    await request(system.gatewayUrl)
      .post('/api/v1/auth/logout')
      .send({ refreshToken: row.refresh_token })
      .expect(200);
    const page = await request(system.webUrl).get('/akun').set('cookie', cookie.pair).expect(303);
    expect(page.headers['location']).toBe('/masuk?next=%2Fakun');
    await request(system.webUrl).get('/akun').set('cookie', cookie.pair).expect(303);
  });

  it("refuses a post without this session's CSRF token, whoever sends it", async () => {
    const { cookie } = await signIn();
    const stranger = await signIn(secondWeb);
    for (const token of [undefined, 'f'.repeat(64), stranger.csrf]) {
      const forged = await request(system.webUrl)
        .post('/keluar')
        .set('cookie', cookie.pair)
        .type('form')
        .send(token ? { _csrf: token } : {})
        .expect(403);
      expect(forged.text).toContain('Formulir ini sudah kedaluwarsa');
    }
    await request(system.webUrl).get('/akun').set('cookie', cookie.pair).expect(200); // still signed in
    await request(system.webUrl)
      .post('/masuk')
      .type('form')
      .send({ username: demo.person.email, password: demo.password })
      .expect(403);
  });

  it('goes back after sign-in only to a page of this site', async () => {
    for (const [next, to] of [
      ['/izin/REKLAME', '/izin/REKLAME'],
      ['//evil.example/akun', '/akun'],
      ['https://evil.example/', '/akun'],
      ['/\\evil.example', '/akun'],
    ]) {
      const form = await request(system.webUrl).get('/masuk').query({ next }).expect(200);
      const res = await request(system.webUrl)
        .post('/masuk')
        .set('cookie', sessionCookie(form).pair)
        .type('form')
        .send({ _csrf: csrfIn(form.text), username: demo.person.email, password: demo.password, next })
        .expect(303);
      expect(res.headers['location']).toBe(to);
    }
  });

  it('marks the cookie Secure where people come over HTTPS', async () => {
    const https = await system.extraWeb({
      PUBLIC_URL: 'https://berkas.example.go.id',
      TRUST_PROXY_HOPS: '1',
    });
    const form = await request(https).get('/masuk').set('x-forwarded-proto', 'https').expect(200);
    expect(sessionCookie(form).attributes).toMatch(/Secure/);
  });
});
