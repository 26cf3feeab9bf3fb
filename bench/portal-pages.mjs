#!/usr/bin/env node
// The applicant portal under 8 concurrent sessions (closed loop: each of 8 connections, its own
// signed-in session, sends its next request when the last is answered): a permit's catalogue page, a
// question page of a draft, and "my applications" of an applicant with 200 files; each against the
// same data read straight through the JSON API in the same run (the page's own API calls, with a
// bearer token), so the ratio is what the pages add. Target (issue 16): p99 < 100 ms.
// Usage: npm run bench -- portal-pages [seconds per measurement]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { root, startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const demo = require(join(root, 'services/identity/src/app/demo/demo-data.json'));
const SECONDS = Number(process.argv[2] ?? 10);
const SESSIONS = 8;
const FILES = 200;

const system = await startBerkas({
  gateway: { LOG_LEVEL: 'error', RATE_LIMIT_LOOKUPS: '100000000', RATE_LIMIT_SIGN_INS: '100000000' },
  web: { LOG_LEVEL: 'error' },
});
try {
  const api = async (method, path, { body, token } = {}) => {
    const res = await fetch(`${system.gatewayUrl}/api/v1${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const signIn = async () =>
    (await api('POST', '/auth/login', { body: { username: demo.person.email, password: demo.password } }))
      .accessToken;

  // An applicant with 200 files: drafts of the three permit types, a few answers each.
  const token = await signIn();
  const types = ['SIP', 'REKLAME', 'PBG'];
  let draftId;
  for (let i = 0; i < FILES; i++) {
    const app = await api('POST', '/applications', {
      token,
      body: { permitType: types[i % 3], regionCode: '3271', form: {} },
    });
    draftId ??= app.id;
  }

  // Eight sessions of the pages, signed in through the form, and eight bearer tokens for the API.
  const cookies = [];
  for (let i = 0; i < SESSIONS; i++) {
    const form = await fetch(`${system.webUrl}/masuk`);
    const anonymous = form.headers.get('set-cookie').split(';')[0];
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(await form.text())[1];
    const signedIn = await fetch(`${system.webUrl}/masuk`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: demo.person.email, password: demo.password }),
    });
    cookies.push(signedIn.headers.get('set-cookie').split(';')[0]);
  }
  // One after another: identity's sign-in throttle treats a burst of attempts on one name as an attack.
  const tokens = [];
  for (let i = 0; i < SESSIONS; i++) tokens.push(await signIn());

  const measure = (url, headerOf) =>
    new Promise((resolve, reject) => {
      let next = 0;
      const instance = autocannon(
        {
          url,
          connections: SESSIONS,
          duration: SECONDS,
          setupClient: (client) => client.setHeaders(headerOf(next++ % SESSIONS)),
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
      autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false });
    });
  const asPage = (i) => ({ cookie: cookies[i] });
  const asApi = (i) => ({ authorization: `Bearer ${tokens[i]}` });
  const targets = [
    [
      'catalogue page `/izin/SIP`',
      `${system.webUrl}/izin/SIP`,
      () => ({}),
      `${system.gatewayUrl}/api/v1/permit-types/SIP`,
      () => ({}),
    ],
    [
      'question page `/permohonan/{id}/data/1`',
      `${system.webUrl}/permohonan/${draftId}/data/1`,
      asPage,
      `${system.gatewayUrl}/api/v1/applications/${draftId}`,
      asApi,
    ],
    [
      `my applications \`/permohonan\` (${FILES} files, first 20)`,
      `${system.webUrl}/permohonan`,
      asPage,
      `${system.gatewayUrl}/api/v1/applications?limit=20`,
      asApi,
    ],
  ];
  const rows = [];
  for (const [label, pageUrl, pageHeaders, apiUrl, apiHeaders] of targets) {
    // The page first warms what it caches (permit types); then both, in the same run.
    await measure(pageUrl, pageHeaders);
    const page = await measure(pageUrl, pageHeaders);
    const direct = await measure(apiUrl, apiHeaders);
    const bad = page.non2xx + page.errors + direct.non2xx + direct.errors;
    if (bad) throw new Error(`${label}: ${bad} failed requests`);
    rows.push({ label, page, direct });
  }
  const ms = (x) => x.toFixed(1);
  console.log(
    `\n| page (${SESSIONS} sessions, ${SECONDS} s) | page p50 / p99 ms | page req/s | API p50 / p99 ms | API req/s | p99 page ÷ API |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { label, page, direct } of rows)
    console.log(
      `| ${label} | ${ms(page.latency.p50)} / ${ms(page.latency.p99)} | ${Math.round(page.requests.average)} | ` +
        `${ms(direct.latency.p50)} / ${ms(direct.latency.p99)} | ${Math.round(direct.requests.average)} | ` +
        `${(page.latency.p99 / direct.latency.p99).toFixed(2)} |`,
    );
} finally {
  await system.stop();
}
