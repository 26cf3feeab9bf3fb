#!/usr/bin/env node
// The officers' desk page (`/meja`, the agency's queue) for a reviewer whose queue holds half of
// `total` open tasks (default 1,000,000 in the database), under 8 concurrent signed-in sessions
// (closed loop: each of 8 connections carries its own session cookie and sends its next request
// when the last is answered): the first page (with the queues' counts) and a deep page (the cursor
// of the task halfway down the queue). Beside each, the API's inbox the page reads, in the same run,
// with bearer tokens. Target (issue 17): page p99 < 100 ms.
// Usage: npm run bench -- desk-pages [total tasks] [seconds per measurement]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { fileInReview, root, seedOpenTasks, startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const { encodeCursor } = require(join(root, 'dist/services/permits/libs/contracts/src/cursor.js'));
const demo = require(join(root, 'services/identity/src/app/demo/demo-data.json'));

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 10);
const SESSIONS = 8;
const PAGE = 25; // the desk's page

const system = await startBerkas({
  gateway: { LOG_LEVEL: 'error', RATE_LIMIT_LOOKUPS: '100000000', RATE_LIMIT_SIGN_INS: '100000000' },
  permits: { LOG_LEVEL: 'error' },
  web: { LOG_LEVEL: 'error' },
});
const db = new pg.Pool({
  connectionString: `postgres://postgres@127.0.0.1:5432/${system.databases.permits}`,
  max: 4,
});
try {
  const { reviewer, application: template, task } = await fileInReview(system, db);
  const started = performance.now();
  const queue = await seedOpenTasks(db, { template, task, total: TOTAL });
  console.log(
    `seeded ${TOTAL} open tasks (${queue} in the reviewer's queue) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const [middle] = (
    await db.query(
      `SELECT id, due_at FROM tasks WHERE agency_id = $1 AND role = $2 AND status IN ('open', 'claimed')
       ORDER BY COALESCE(due_at, 'infinity'::timestamptz), id OFFSET $3 LIMIT 1`,
      [task.agency_id, task.role, Math.floor(queue / 2)],
    )
  ).rows;
  const deep = encodeURIComponent(
    encodeCursor(['timestamp-or-empty', 'uuid'], [middle.due_at.toISOString(), middle.id]),
  );

  // Eight sessions of the pages signed in through the form, and eight bearer tokens for the API,
  // one after another (identity's throttle treats a burst of sign-ins on one name as an attack).
  const cookies = [];
  const tokens = [];
  for (let i = 0; i < SESSIONS; i++) {
    const form = await fetch(`${system.webUrl}/masuk`);
    const anonymous = form.headers.get('set-cookie').split(';')[0];
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(await form.text())[1];
    const signedIn = await fetch(`${system.webUrl}/masuk`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: reviewer.email, password: demo.password }),
    });
    cookies.push(signedIn.headers.get('set-cookie').split(';')[0]);
    const login = await fetch(`${system.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: reviewer.email, password: demo.password }),
    });
    tokens.push((await login.json()).accessToken);
  }

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
  const inbox = `${system.gatewayUrl}/api/v1/inbox?scope=agency&limit=${PAGE}`;
  const targets = [
    ["first page, with the queues' counts", `${system.webUrl}/meja?antrean=instansi`, `${inbox}&counts=true`],
    [
      'deep page (halfway down the queue)',
      `${system.webUrl}/meja?antrean=instansi&setelah=${deep}`,
      `${inbox}&after=${deep}`,
    ],
  ];
  const rows = [];
  for (const [label, pageUrl, apiUrl] of targets) {
    // A check that the page is the desk with its rows, then a warm-up, then both in the same run.
    const html = await (await fetch(pageUrl, { headers: asPage(0) })).text();
    if ((html.match(/id="task-/g) ?? []).length !== PAGE) throw new Error(`${label}: not a full desk page`);
    await measure(pageUrl, asPage);
    const page = await measure(pageUrl, asPage);
    const direct = await measure(apiUrl, asApi);
    const bad = page.non2xx + page.errors + direct.non2xx + direct.errors;
    if (bad) throw new Error(`${label}: ${bad} failed requests`);
    rows.push({ label, page, direct });
  }
  // What the queues' counts cost the API: its first page without them, in the same run.
  const bare = await measure(inbox, asApi);
  const ms = (x) => x.toFixed(1);
  console.log(
    `\n| desk \`/meja\` (${TOTAL.toLocaleString('en')} open tasks, ${SESSIONS} sessions, ${SECONDS} s) | page p50 / p99 ms | page req/s | API p50 / p99 ms | API req/s | p99 page ÷ API |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { label, page, direct } of rows)
    console.log(
      `| ${label} | ${ms(page.latency.p50)} / ${ms(page.latency.p99)} | ${Math.round(page.requests.average)} | ` +
        `${ms(direct.latency.p50)} / ${ms(direct.latency.p99)} | ${Math.round(direct.requests.average)} | ` +
        `${(page.latency.p99 / direct.latency.p99).toFixed(2)} |`,
    );
  console.log(
    `\nAPI first page without the counts: p50 / p99 ${ms(bare.latency.p50)} / ${ms(bare.latency.p99)} ms, ${Math.round(bare.requests.average)} req/s`,
  );
} finally {
  await db.end();
  await system.stop();
}
