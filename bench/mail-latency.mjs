// From an event's commit to its email accepted by an SMTP server: the project's mail sink on free
// ports, which notifications sends to, and the figures of the emails a set of files' events caused.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, median, root } from './lib.mjs';

/** Starts the mail sink; `env` points notifications at it. */
export async function startMailSink() {
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      join(root, 'scripts/stand-ins/mail-sink.cjs'),
      '--smtp-port',
      String(smtpPort),
      '--http-port',
      String(httpPort),
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${httpPort}/api/v1/messages`;
  for (
    let i = 0;
    !(await fetch(url)
      .then((r) => r.ok)
      .catch(() => false));
    i++
  ) {
    if (i > 100) throw new Error('the mail sink did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    env: { SMTP_PORT: String(smtpPort) },
    /** Every mail received since the last `clear`: its reference (the message id) and when it arrived. */
    received: async () =>
      ((await (await fetch(url)).json()).messages ?? []).map((m) => ({
        reference: m.headers['x-berkas-reference'],
        at: Date.parse(m.receivedAt),
      })),
    clear: () => fetch(url, { method: 'DELETE' }),
    stop: () => child.kill('SIGTERM'),
  };
}

/**
 * Waits until notifications has turned the `applicationIds`' action events into messages and sent
 * them all, then answers, for their emails: how many, lost (written but never at the sink), sent
 * twice, and the time from each event's commit (its CloudEvents time, stamped in permits'
 * transaction) to the sink's acceptance, p50 and p99, and the emails per second drained.
 */
export async function mailLatency({ databases, sink, applicationIds, timeoutMs = 600_000 }) {
  const db = (name) =>
    new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${databases[name]}` });
  const [notifications, permits] = [db('notifications'), db('permits')];
  await Promise.all([notifications.connect(), permits.connect()]);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await notifications.query(
        `SELECT count(*) FILTER (WHERE n.state = 'planned')::int AS planned,
           (SELECT count(*)::int FROM messages WHERE status = 'queued') AS queued
         FROM notices n WHERE n.data->>'applicationId' = ANY($1) AND n.data->>'change' = 'action'`,
        [applicationIds],
      );
      if (rows[0].planned === applicationIds.length && rows[0].queued === 0) break;
      if (Date.now() > deadline) throw new Error(`notifications did not settle: ${JSON.stringify(rows[0])}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const { rows: emails } = await notifications.query(
      `SELECT m.id, n.event_id FROM messages m JOIN notices n ON n.id = m.notice_id
       WHERE m.channel = 'email' AND n.data->>'applicationId' = ANY($1)`,
      [applicationIds],
    );
    const { rows: events } = await permits.query(
      `SELECT id, payload->>'time' AS time FROM outbox WHERE id = ANY($1)`,
      [emails.map((e) => e.event_id)],
    );
    const committed = new Map(events.map((e) => [e.id, Date.parse(e.time)]));
    const arrivals = new Map();
    for (const m of await sink.received())
      arrivals.set(m.reference, [...(arrivals.get(m.reference) ?? []), m.at]);
    const latencies = [];
    let lost = 0;
    for (const e of emails) {
      const at = arrivals.get(e.id);
      if (!at) lost++;
      else latencies.push(at[0] - committed.get(e.event_id));
    }
    latencies.sort((a, b) => a - b);
    const first = Math.min(...committed.values());
    const last = Math.max(...[...arrivals.values()].flat());
    return {
      emails: emails.length,
      lost,
      twice: [...arrivals.values()].filter((at) => at.length > 1).length,
      p50: median(latencies),
      p99: latencies[Math.floor(latencies.length * 0.99)],
      drainedPerSecond: Math.round(latencies.length / ((last - first) / 1000)),
    };
  } finally {
    await Promise.all([notifications.end(), permits.end()]);
  }
}
