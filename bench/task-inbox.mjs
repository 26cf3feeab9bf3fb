#!/usr/bin/env node
// An agency's task inbox (`GET /api/v1/inbox`, keyset pages, due first) with `total` open tasks
// in the database (default 1,000,000; half of them in the measured queue, the health office's
// reviewers, the rest at other agencies). Measures the first page and a deep page (the cursor of
// the task halfway down the queue) through the gateway, one request at a time and 8 at a time, against
// a baseline in the same run: the same page query sent with plain `pg`.
// Usage: npm run bench -- task-inbox [total tasks] [requests per measurement]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { connect, headers as natsHeaders } from 'nats';
import pg from 'pg';
import { fileInReview, root, seedOpenTasks, startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const { encodeCursor } = require(join(root, 'dist/services/permits/libs/contracts/src/cursor.js'));

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const REQUESTS = Number(process.argv[3] ?? 1000);
const PAGE = 50;

const system = await startBerkas({ gateway: { LOG_LEVEL: 'error' }, permits: { LOG_LEVEL: 'error' } });
const nc = await connect({ servers: system.natsUrl, ...system.natsAs('gateway') });
const db = new pg.Pool({
  connectionString: `postgres://postgres@127.0.0.1:5432/${system.databases.permits}`,
  max: 8,
});

try {
  const { accessToken, application: template, task } = await fileInReview(system, db);
  const started = performance.now();
  const queue = await seedOpenTasks(db, { template, task, total: TOTAL });
  process.stdout.write(
    `seeded ${TOTAL} open tasks (${queue} in the measured queue) in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );

  const [middle] = (
    await db.query(
      `SELECT id, due_at FROM tasks WHERE agency_id = $1 AND role = 'reviewer' AND status IN ('open', 'claimed')
       ORDER BY due_at, id OFFSET $2 LIMIT 1`,
      [task.agency_id, Math.floor(queue / 2)],
    )
  ).rows;
  const deep = encodeCursor(['timestamp-or-empty', 'uuid'], [middle.due_at.toISOString(), middle.id]);

  // The baseline: the page query permits makes (a keyset range on due date and id, with its
  // application), sent with plain pg.
  const DUE = `COALESCE(t.due_at, 'infinity'::timestamptz)`;
  const pageSql = (after) => `
    SELECT t.*, a.permit_type, a.tracking_number FROM tasks t JOIN applications a ON a.id = t.application_id
    WHERE t.status IN ('open', 'claimed') AND t.agency_id = $1 AND t.role = 'reviewer'
    ${after ? `AND (${DUE}, t.id) > ($2::timestamptz, $3::uuid)` : ''}
    ORDER BY ${DUE}, t.id LIMIT ${PAGE + 1}`;
  // What the inbox asked before (issue 7): the same page with the keyset spelled as an OR, for the plan.
  const beforeSql = `
    SELECT t.*, a.permit_type, a.tracking_number FROM tasks t JOIN applications a ON a.id = t.application_id
    WHERE t.status IN ('open', 'claimed') AND t.agency_id = $1 AND t.role = 'reviewer'
      AND (t.due_at > $2 OR t.due_at IS NULL OR (t.due_at = $2 AND t.id > $3))
    ORDER BY t.due_at ASC NULLS LAST, t.id ASC LIMIT ${PAGE + 1}`;
  const viaPg = (after) => () =>
    db.query(pageSql(after), after ? [task.agency_id, middle.due_at, middle.id] : [task.agency_id]);
  const viaGateway = (after) => async () => {
    const res = await fetch(
      `${system.gatewayUrl}/api/v1/inbox?limit=${PAGE}${after ? `&after=${after}` : ''}`,
      {
        headers: { authorization: `Bearer ${accessToken}` },
      },
    );
    const body = await res.json();
    if (res.status !== 200 || body.items.length !== PAGE)
      throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  };

  // The same page asked of permits straight over NATS (Nest's envelope), without the gateway.
  const viaNats = (after) => async () => {
    const h = natsHeaders();
    h.set('authorization', `Bearer ${accessToken}`);
    const data = { limit: PAGE, ...(after ? { after } : {}) };
    const msg = await nc.request(
      'permits.tasks.inbox',
      JSON.stringify({ pattern: 'permits.tasks.inbox', data, id: randomUUID() }),
      { timeout: 10000, headers: h },
    );
    const reply = JSON.parse(new TextDecoder().decode(msg.data));
    if (reply.err || reply.response.items.length !== PAGE)
      throw new Error(JSON.stringify(reply).slice(0, 200));
  };

  /** `REQUESTS` calls, `parallel` at a time; answers p50 and p99 latency in ms and requests/s. */
  const measure = async (label, call, parallel) => {
    for (let i = 0; i < 50; i++) await call(); // warm-up
    const latencies = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next++ < REQUESTS) {
          const t = performance.now();
          await call();
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.floor(latencies.length * p)].toFixed(1);
    return { label, parallel, rps: Math.round(latencies.length / seconds), p50: pct(0.5), p99: pct(0.99) };
  };

  const rows = [];
  for (const parallel of [1, 8]) {
    rows.push(await measure('gateway, first page', viaGateway(null), parallel));
    rows.push(await measure('gateway, deep page', viaGateway(deep), parallel));
    rows.push(await measure('permits over NATS, first page', viaNats(null), parallel));
    rows.push(await measure('permits over NATS, deep page', viaNats(deep), parallel));
    rows.push(await measure('plain pg, first page', viaPg(false), parallel));
    rows.push(await measure('plain pg, deep page', viaPg(true), parallel));
  }
  const planOf = async (sql) =>
    (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [task.agency_id, middle.due_at, middle.id])).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
  const plan = `${await planOf(pageSql(true))}\n\nplan of the same page as the inbox asked before:\n${await planOf(beforeSql)}`;
  process.stdout.write(
    `\n| request | at a time | requests/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |\n${rows
      .map((r) => `| ${r.label} | ${r.parallel} | ${r.rps} | ${r.p50} | ${r.p99} |`)
      .join('\n')}\n\nplan of the deep page:\n${plan}\n`,
  );
} finally {
  await nc.close();
  await db.end();
  await system.stop();
}
