#!/usr/bin/env node
// Workflow transitions (an officer's action on a task) per second, and event delivery, against a
// baseline measured in the same run: the same transaction's statements sent with plain `pg`.
//  - service level: `permits.tasks.act` sent straight over NATS in Nest's envelope, 16 at a time,
//    twice: with the whole system on these two cores, and with the services that consume the events
//    (tracking's public progress, notifications' messages) paused during the timed run, as if they
//    ran on machines of their own (deploy/k8s): the plain-pg baseline's events are consumed by
//    nobody, so this is the like-for-like comparison. JetStream keeps their events meanwhile; they
//    resume after the run and owe the same emails, checked like the others. Identity keeps running:
//    permits reads from it (an owner agency's id, once its memory of it expires);
//  - end to end: `POST /api/v1/tasks/{id}/actions` through the gateway, 16 at a time;
//  - baseline: lock task and application, close the task, open the next, update the application,
//    append to the hash chain, add the outbox row, NOTIFY; 16 transactions at a time.
// Each run acts on fresh copies of one real application in review (the demo file at the health
// office, stage "competence-review"), made by SQL so that seeding is fast; then 1,000,000 past transitions
// (history rows and closed tasks) are added and every run repeats. During the service-level runs a
// JetStream consumer counts the `application-changed` events: lost, duplicated, and the time from
// the event's commit (its CloudEvents time, stamped inside the transaction) to its receipt (with the
// consumers elsewhere, it reads them after the timed run, and counts only lost and duplicated); and
// after each run, once notifications has sent what those events owe (the decision stage's officers
// hear of their new task by email), the time from each event's commit to its email accepted by the
// SMTP sink, with none lost or sent twice.
// Usage: npm run bench -- workflow-transitions [transitions per run] [past transitions] [paced rate /s]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, connect, StringCodec } from 'nats';
import pg from 'pg';
import { columnsOf, fileInReview, median, root, startBerkas } from './lib.mjs';
import { mailLatency, startMailSink } from './mail-latency.mjs';

const require = createRequire(import.meta.url);
const { generateTrackingNumber } = require(
  join(root, 'dist/services/tracking/libs/contracts/src/tracking-number.js'),
);

const PER_RUN = Number(process.argv[2] ?? 3000);
const PAST = Number(process.argv[3] ?? 1_000_000);
const CONCURRENCY = 16;
/** A steady rate a city's offices might reach at their busiest, for the emails' latency when not saturated. */
const PACED_RATE = Number(process.argv[4] ?? 20);
const ACTION = 'recommend';

const sink = await startMailSink();
const system = await startBerkas({
  notifications: { LOG_LEVEL: 'error', ...sink.env },
  gateway: { LOG_LEVEL: 'error' },
  permits: { LOG_LEVEL: 'error' },
  tracking: { LOG_LEVEL: 'error' },
});
const permitsDb = new pg.Pool({
  connectionString: `postgres://postgres@127.0.0.1:5432/${system.databases.permits}`,
  max: CONCURRENCY,
});
const trackingDb = new pg.Pool({
  connectionString: `postgres://postgres@127.0.0.1:5432/${system.databases.tracking}`,
  max: 4,
});
// Requests go as the gateway would; events are read as another system would (the read-only auditor).
const nc = await connect({ servers: system.natsUrl, ...system.natsAs('gateway') });
const reader = await connect({ servers: system.natsUrl, ...system.natsAs('auditor') });

try {
  const {
    trackingNumber: inReview,
    reviewer,
    accessToken,
    application: template,
    task: templateTask,
  } = await fileInReview(system, permitsDb);

  const appCols = await columnsOf(permitsDb, 'applications', ['id', 'tracking_number']);
  const taskCols = await columnsOf(permitsDb, 'tasks', ['id', 'application_id']);
  const appHistCols = await columnsOf(permitsDb, 'application_history', ['application_id']);
  const dossierCols = await columnsOf(trackingDb, 'dossiers', ['id', 'tracking_number']);
  const histCols = await columnsOf(trackingDb, 'history', ['dossier_id']);
  const list = (cols, alias) => cols.map((c) => `${alias}.${c}`).join(', ');

  /** `n` copies of the template application with its open task and its dossier; answers the task ids. */
  const copies = async (n) => {
    const ids = Array.from({ length: n }, () => randomUUID());
    const numbers = ids.map(() => generateTrackingNumber('3271', 2026).formatted);
    await permitsDb.query(
      `INSERT INTO applications (id, tracking_number, ${appCols.join(', ')})
       SELECT u.id, u.tn, ${list(appCols, 'a')} FROM unnest($1::uuid[], $2::text[]) u(id, tn),
       applications a WHERE a.id = $3`,
      [ids, numbers, template.id],
    );
    await permitsDb.query(
      `INSERT INTO application_history (application_id, ${appHistCols.join(', ')})
       SELECT u.id, ${list(appHistCols, 'h')} FROM unnest($1::uuid[]) u(id), application_history h
       WHERE h.application_id = $2`,
      [ids, template.id],
    );
    const tasks = await permitsDb.query(
      `INSERT INTO tasks (id, application_id, ${taskCols.join(', ')})
       SELECT gen_random_uuid(), u.id, ${list(taskCols, 't')} FROM unnest($1::uuid[]) u(id), tasks t
       WHERE t.id = $2 RETURNING id, application_id`,
      [ids, templateTask.id],
    );
    const dossiers = await trackingDb.query(
      `INSERT INTO dossiers (tracking_number, ${dossierCols.join(', ')})
       SELECT u.tn, ${list(dossierCols, 'd')} FROM unnest($1::text[]) u(tn), dossiers d
       WHERE d.tracking_number = $2 RETURNING id`,
      [numbers, inReview],
    );
    await trackingDb.query(
      `INSERT INTO history (dossier_id, ${histCols.join(', ')})
       SELECT u.id, ${list(histCols, 'h')} FROM unnest($1::uuid[]) u(id), history h
       WHERE h.dossier_id = (SELECT id FROM dossiers WHERE tracking_number = $2)`,
      [dossiers.rows.map((r) => r.id), inReview],
    );
    return tasks.rows;
  };

  /** Runs `work(item)` over `items`, CONCURRENCY at a time; answers transitions per second. */
  const drive = async (items, work) => {
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < items.length) {
          const item = items[next++];
          await work(item).catch((e) => {
            if (++failed <= 3) process.stderr.write(`failed: ${e.message}\n`);
          });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (failed) throw new Error(`${failed} of ${items.length} transitions failed`);
    return items.length / seconds;
  };

  /** Starts one `work(item)` every 1/rate seconds whatever the others are doing; answers the rate reached. */
  const paced = async (items, work, rate) => {
    const started = performance.now();
    const running = [];
    for (let k = 0; k < items.length; k++) {
      const due = started + (k * 1000) / rate;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      running.push(work(items[k]));
    }
    await Promise.all(running);
    return items.length / ((performance.now() - started) / 1000);
  };

  const sc = StringCodec();
  const overNats = async (task) => {
    const h = natsHeaders();
    h.set('authorization', `Bearer ${accessToken}`);
    h.set('x-request-id', randomUUID());
    const msg = await nc.request(
      'permits.tasks.act',
      sc.encode(
        JSON.stringify({
          pattern: 'permits.tasks.act',
          data: { id: task.id, action: ACTION },
          id: randomUUID(),
        }),
      ),
      { timeout: 30000, headers: h },
    );
    const reply = JSON.parse(sc.decode(msg.data));
    if (reply.err) throw new Error(JSON.stringify(reply.err));
  };
  const throughGateway = async (task) => {
    const res = await fetch(`${system.gatewayUrl}/api/v1/tasks/${task.id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: ACTION }),
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  };
  // The baseline: the statements one transition makes, as one plain-pg transaction.
  const [nextStage] = (
    await permitsDb.query(`SELECT agency_code, agency_id FROM tasks WHERE stage = 'decision' LIMIT 1`)
  ).rows;
  // Its event row goes to a copy of the outbox (same columns and indexes): the same write, but the
  // relay never sees it (permits' NATS user may publish only permits' own events, as in production).
  await permitsDb.query('CREATE TABLE IF NOT EXISTS outbox_baseline (LIKE outbox INCLUDING ALL)');
  const plainPg = async (task) => {
    const c = await permitsDb.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [task.id]);
      await c.query('SELECT * FROM applications WHERE id = $1 FOR UPDATE', [task.application_id]);
      await c.query(
        `UPDATE tasks SET status = 'done', closed_at = now(), closed_by = $2, action = $3
         WHERE application_id = $1 AND stage = 'competence-review' AND status IN ('open', 'claimed')`,
        [task.application_id, JSON.stringify({ id: reviewer.email }), ACTION],
      );
      await c.query(
        `INSERT INTO tasks (id, application_id, stage, agency_code, agency_id, role, status, clock, due_at, created_at)
         VALUES ($1, $2, 'decision', $3, $4, 'supervisor', 'open', '[]', now() + interval '2 days', now())`,
        [
          randomUUID(),
          task.application_id,
          nextStage?.agency_code ?? 'DPMPTSP',
          nextStage?.agency_id ?? randomUUID(),
        ],
      );
      await c.query(
        `UPDATE applications SET updated_at = now(), due_at = now() + interval '10 days' WHERE id = $1`,
        [task.application_id],
      );
      const head = await c.query(
        'SELECT history_seq, history_head FROM applications WHERE id = $1 FOR UPDATE',
        [task.application_id],
      );
      const seq = head.rows[0].history_seq + 1;
      await c.query(
        `INSERT INTO application_history (application_id, seq, type, occurred_at, actor, data, prev_hash, hash)
         VALUES ($1, $2, 'action', now(), '{}', '{}', $3, md5(random()::text) || md5(random()::text))`,
        [task.application_id, seq, head.rows[0].history_head],
      );
      await c.query('UPDATE applications SET history_seq = $2, history_head = $3 WHERE id = $1', [
        task.application_id,
        seq,
        head.rows[0].history_head,
      ]);
      await c.query(
        `INSERT INTO outbox_baseline (id, subject, payload, headers) VALUES ($1, 'evt.bench.baseline', '{}', '{}')`,
        [randomUUID()],
      );
      await c.query(`SELECT pg_notify('bench_baseline', '')`);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  };

  /** Counts application-changed events of the acted applications while `during` runs. */
  /**
   * `readAfter`: the events are read once `during` is over (JetStream keeps them meanwhile), so that
   * reading them costs the timed run nothing; then only lost and duplicated count, not their latency.
   */
  const watchEvents = async (appIds, during, { readAfter = false } = {}) => {
    const js = reader.jetstream();
    const jsm = await reader.jetstreamManager();
    const name = `bench-${randomUUID().slice(0, 8)}`;
    await jsm.consumers.add('BERKAS_EVENTS', {
      durable_name: name,
      filter_subject: 'evt.permits.application-changed',
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.New,
    });
    const wanted = new Set(appIds);
    const seen = new Map();
    const latencies = [];
    let duplicates = 0;
    const consumer = await js.consumers.get('BERKAS_EVENTS', name);
    const read = async () => {
      const messages = await consumer.consume({ max_messages: 1000 });
      const reading = (async () => {
        for await (const m of messages) {
          const event = JSON.parse(sc.decode(m.data));
          if (!wanted.has(event.data.applicationId) || event.data.change !== 'action') continue;
          if (seen.has(event.id)) duplicates++;
          else {
            seen.set(event.id, event.data.applicationId);
            latencies.push(Date.now() - Date.parse(event.time));
          }
        }
      })();
      return { messages, reading };
    };
    const early = readAfter ? null : await read();
    const rate = await during();
    const { messages, reading } = early ?? (await read());
    const deadline = Date.now() + 60000;
    while (seen.size < wanted.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await messages.close();
    await reading;
    await jsm.consumers.delete('BERKAS_EVENTS', name);
    const perApp = new Set(seen.values());
    latencies.sort((a, b) => a - b);
    return {
      rate,
      received: seen.size,
      lost: [...wanted].filter((id) => !perApp.has(id)).length,
      duplicates: duplicates + (seen.size - perApp.size),
      p50: readAfter ? '—' : latencies[Math.floor(latencies.length / 2)],
      p99: readAfter ? '—' : latencies[Math.floor(latencies.length * 0.99)],
    };
  };

  /** Drives `tasks` with `work`, then waits for their emails to be sent: answers the rate and the mail figures. */
  const thenMail = async (tasks, work) => {
    const applicationIds = tasks.map((t) => t.application_id);
    const rate = await work(applicationIds);
    const mail = await mailLatency({ databases: system.databases, sink, applicationIds });
    await sink.clear();
    return { rate, mail };
  };
  /** Runs `work` with the services that consume permits' events stopped (SIGSTOP), then resumes them. */
  const consumersElsewhere = async (work) => {
    const consumers = ['tracking', 'notifications'].map((name) => system.processes[name]);
    for (const p of consumers) process.kill(p.pid, 'SIGSTOP');
    try {
      return await work();
    } finally {
      for (const p of consumers) process.kill(p.pid, 'SIGCONT');
    }
  };
  const results = [];
  const round = async (label) => {
    const warmUp = await copies(200);
    await thenMail(warmUp, () => drive(warmUp, overNats));
    // The two kinds of service-level run take turns, so that the machine's mood falls on both alike.
    const service = [];
    const alone = [];
    for (let i = 0; i < 3; i++) {
      const tasks = await copies(PER_RUN);
      const run = await thenMail(tasks, (ids) => watchEvents(ids, () => drive(tasks, overNats)));
      service.push({ ...run.rate, mail: run.mail });
      const own = await copies(PER_RUN);
      const ownRun = await thenMail(own, (ids) =>
        watchEvents(ids, () => consumersElsewhere(() => drive(own, overNats)), { readAfter: true }),
      );
      alone.push({ ...ownRun.rate, mail: ownRun.mail });
    }
    // The same actions at a steady PACED_RATE for 30 seconds: notifications keeps up, what is left is its path.
    const steady = await copies(PACED_RATE * 30);
    const steadyRun = await thenMail(steady, () => paced(steady, overNats, PACED_RATE));
    const gatewayTasks = await copies(PER_RUN);
    const { rate: gateway } = await thenMail(gatewayTasks, () => drive(gatewayTasks, throughGateway));
    const baseline = [];
    for (let i = 0; i < 3; i++) baseline.push(await drive(await copies(PER_RUN), plainPg));
    const r = {
      label,
      alone: median(alone.map((s) => s.rate)),
      service: median(service.map((s) => s.rate)),
      gateway,
      baseline: median(baseline),
      events: service,
      aloneEvents: alone,
      paced: steadyRun,
    };
    results.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  };

  await round('empty database');
  // 1,000,000 past transitions: earlier files, each with ten history entries and ten closed tasks.
  const started = performance.now();
  const pastFiles = (
    await permitsDb.query(
      `INSERT INTO applications (id, tracking_number, ${appCols.join(', ')})
       SELECT gen_random_uuid(), NULL, ${list(appCols, 'a')} FROM generate_series(1, $1), applications a
       WHERE a.id = $2 RETURNING id`,
      [Math.ceil(PAST / 10), template.id],
    )
  ).rows.map((r) => r.id);
  const withSeq = (cols, alias, seq) => cols.map((c) => (c === 'seq' ? seq : `${alias}.${c}`)).join(', ');
  await permitsDb.query(
    `INSERT INTO application_history (application_id, ${appHistCols.join(', ')})
     SELECT f.id, ${withSeq(appHistCols, 'h', 's.n')} FROM unnest($1::uuid[]) f(id), generate_series(1, 10) s(n),
     application_history h WHERE h.application_id = $2 AND h.seq = 1`,
    [pastFiles, template.id],
  );
  const closed = taskCols.map((c) => (c === 'status' ? `'done'` : `t.${c}`)).join(', ');
  await permitsDb.query(
    `INSERT INTO tasks (id, application_id, ${taskCols.join(', ')})
     SELECT gen_random_uuid(), f.id, ${closed} FROM unnest($1::uuid[]) f(id), generate_series(1, 10), tasks t
     WHERE t.id = $2`,
    [pastFiles, templateTask.id],
  );
  for (const table of ['applications', 'tasks', 'application_history'])
    await permitsDb.query(`VACUUM ANALYZE ${table}`);
  process.stdout.write(
    `added ${PAST} past transitions in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  await round(`${PAST.toLocaleString('en')} past transitions`);

  const row = (r) =>
    `| ${r.label} | ${Math.round(r.alone)} | ${Math.round(r.service)} | ${Math.round(r.gateway)} | ${Math.round(r.baseline)} | ${(r.alone / r.baseline).toFixed(2)} | ${(r.service / r.baseline).toFixed(2)} |`;
  const kinds = (r) => [
    ...r.events.map((e, i) => ({ ...e, run: `${i + 1}, whole system` })),
    ...r.aloneEvents.map((e, i) => ({ ...e, run: `${i + 1}, consumers elsewhere` })),
  ];
  process.stdout.write(
    `\n| history | service level, consumers elsewhere /s | service level, whole system /s | end to end (gateway) /s | plain pg /s | elsewhere / pg | whole / pg |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n${results.map(row).join('\n')}\n\n` +
      `service level with ${PAST.toLocaleString('en')} past / empty: consumers elsewhere ${(results[1].alone / results[0].alone).toFixed(2)}, whole system ${(results[1].service / results[0].service).toFixed(2)}\n\n` +
      `| history | run | transitions/s | events received | lost | duplicated | delivery p50 ms | p99 ms |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      results
        .flatMap((r) =>
          kinds(r).map(
            (e) =>
              `| ${r.label} | ${e.run} | ${Math.round(e.rate)} | ${e.received} | ${e.lost} | ${e.duplicates} | ${e.p50} | ${e.p99} |`,
          ),
        )
        .join('\n') +
      '\n\n' +
      `| history | run | emails | lost | sent twice | commit → SMTP accepted p50 ms | p99 ms | emails/s drained |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      results
        .flatMap((r) =>
          kinds(r).map(
            ({ mail: m, run }) =>
              `| ${r.label} | ${run} | ${m.emails} | ${m.lost} | ${m.twice} | ${m.p50} | ${m.p99} | ${m.drainedPerSecond} |`,
          ),
        )
        .join('\n') +
      '\n' +
      results
        .map(
          ({ label, paced: { rate, mail: m } }) =>
            `| ${label} | paced ${Math.round(rate)}/s | ${m.emails} | ${m.lost} | ${m.twice} | ${m.p50} | ${m.p99} | ${m.drainedPerSecond} |`,
        )
        .join('\n') +
      '\n',
  );
} finally {
  await nc.close();
  await reader.close();
  await permitsDb.end();
  await trackingDb.end();
  await system.stop();
  sink.stop();
}
