import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy } from 'nats';
import request from 'supertest';
import { natsConnectAs, waitFor } from '@berkas/testing';
import { bearer, demo, officer, people, type Api } from './support/api';
import { queryDatabase } from './support/db';
import { startScaledSystem, type ScaledSystem } from './support/scaled-system';

/** How many application files and letters the load walks; `FAULT_FILES` raises it for a long run. */
const FILES = Number(process.env['FAULT_FILES'] ?? 10);
const LETTERS = Number(process.env['FAULT_LETTERS'] ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tally {
  sent: number;
  acknowledged: number;
  retried: number;
  failedThenRetried: Record<string, number>;
}

/**
 * A steady load of real workflow transitions and handoffs through the gateway while replicas are
 * killed, a NATS node restarts and PostgreSQL cuts every connection. The client retries what was not
 * acknowledged with the same Idempotency-Key, as a real client would. Afterwards every acknowledged
 * request must be there exactly once, every committed change must have exactly one event in
 * JetStream, and every history chain must verify.
 */
describe('faults under load', () => {
  let system: ScaledSystem;
  let api: Api;
  let the: ReturnType<typeof people>;
  const tally: Tally = { sent: 0, acknowledged: 0, retried: 0, failedThenRetried: {} };
  const query = <T>(service: keyof ScaledSystem['databases'], sql: string, params: unknown[] = []) =>
    queryDatabase<T>(system.databases[service], sql, params);

  beforeAll(async () => {
    system = await startScaledSystem(2);
    api = request(system.gatewayUrl);
    the = people(api);
  }, 180000);
  afterAll(() => system?.stop());

  /**
   * Sends until acknowledged (2xx), retrying with the same Idempotency-Key what failed for reasons a
   * retry can fix (5xx, a refused connection). Any 4xx is a real answer and ends it.
   */
  const reliably = async (send: (key: string) => request.Test): Promise<request.Response> => {
    const key = `fault-${randomUUID()}`;
    const deadline = Date.now() + 90000;
    for (let attempt = 0; ; attempt++) {
      tally.sent++;
      if (attempt) tally.retried++;
      let res: request.Response | undefined;
      let why: string;
      try {
        res = await send(key).timeout(15000);
        if (res.status < 500) {
          if (res.status < 300) tally.acknowledged++;
          return res;
        }
        why = `${res.status} ${res.body?.code ?? ''}`.trim();
      } catch (e) {
        why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      }
      tally.failedThenRetried[why] = (tally.failedThenRetried[why] ?? 0) + 1;
      if (Date.now() > deadline) throw new Error(`gave up after ${attempt + 1} attempts: ${why}`);
      await sleep(250);
    }
  };

  it('loses nothing and applies nothing twice while replicas, a NATS node and the database fail', async () => {
    const citizen = await the.signIn(demo.person.email);
    const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
    const dinkes = await the.signIn(officer('DINKES', 'reviewer'));
    const dlh = await the.signIn(officer('DLH', 'reviewer'));
    const dpmptsp = (await api.get('/api/v1/me').set(bearer(fo)).expect(200)).body.principal.agencyId;
    const dlhAgency = (await api.get('/api/v1/me').set(bearer(dlh)).expect(200)).body.principal.agencyId;
    // Siti hears of her files by WhatsApp (its reports come back through the gateway), officers by email.
    await api.patch('/api/v1/me/notifications').set(bearer(citizen)).send({ whatsapp: true }).expect(200);

    // Drafts with their documents, ready before the faults begin.
    const drafts: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const app = await the.readySip(citizen);
      drafts.push(app.id);
    }

    const taskOf = async (token: string, applicationId: string, stage: string) =>
      waitFor(
        async () => {
          const res = await api.get('/api/v1/inbox?limit=200').set(bearer(token)).timeout(15000);
          if (res.status !== 200) return null;
          return res.body.items.find(
            (t: { applicationId: string; stage: string }) =>
              t.applicationId === applicationId && t.stage === stage,
          ) as { id: string } | undefined;
        },
        90000,
        250,
      );
    const actOn = async (token: string, applicationId: string, stage: string, action: string) => {
      const task = await taskOf(token, applicationId, stage);
      const res = await reliably((key) =>
        api
          .post(`/api/v1/tasks/${task.id}/actions`)
          .set(bearer(token))
          .set('idempotency-key', key)
          .send({ action }),
      );
      expect([stage, action, res.status]).toEqual([stage, action, 200]);
    };
    const walkFile = async (id: string) => {
      const submitted = await reliably((key) =>
        api.post(`/api/v1/applications/${id}/submit`).set(bearer(citizen)).set('idempotency-key', key),
      );
      expect(submitted.status).toBe(200);
      await actOn(fo, id, 'verification', 'complete');
      await actOn(dinkes, id, 'competence-review', 'recommend');
      fileNumbers.push(submitted.body.trackingNumber);
      return submitted.body.trackingNumber as string;
    };
    const walkLetter = async (n: number) => {
      const opened = await reliably((key) =>
        api
          .post('/api/v1/dossiers')
          .set(bearer(fo))
          .set('idempotency-key', key)
          .send({ title: `Surat koordinasi ${n}`, kind: 'letter', originAgencyId: dpmptsp }),
      );
      expect(opened.status).toBe(201);
      const tn = opened.body.trackingNumber as string;
      const sent = await reliably((key) =>
        api
          .post(`/api/v1/dossiers/${tn}/handoffs`)
          .set(bearer(fo))
          .set('idempotency-key', key)
          .send({ toAgencyId: dlhAgency }),
      );
      expect(sent.status).toBe(201);
      const received = await reliably((key) =>
        api
          .post(`/api/v1/handoffs/${sent.body.id}/receive`)
          .set(bearer(dlh))
          .set('idempotency-key', key)
          .send({}),
      );
      expect(received.status).toBe(200);
      return tn;
    };

    // The load: four clients at once, walking the files and then letters until every fault is done.
    const files = [...drafts];
    const trackingNumbers: string[] = [];
    const fileNumbers: string[] = [];
    let letters = 0;
    let faultsDone = false;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let id = files.shift(); id; id = files.shift()) trackingNumbers.push(await walkFile(id));
        while (!faultsDone || letters < LETTERS) trackingNumbers.push(await walkLetter(letters++));
      }),
    );
    const faults: string[] = [];
    const inject = (async () => {
      const crash = async (service: (typeof system.replicas)[number]['service'], index: number) => {
        await system.crashAndRestart(
          system.replicas.find((r) => r.service === service && r.index === index)!,
        );
        faults.push(`SIGKILL ${service}-${index}, restarted`);
      };
      for (const service of ['notifications', 'permits', 'tracking', 'identity'] as const) {
        await sleep(700);
        await crash(service, 0);
      }
      await system.nats.restart(1);
      faults.push('SIGKILL NATS node 2, restarted');
      await crash('notifications', 1);
      const terminated = await query<{ n: number }>(
        'permits',
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
        [Object.values(system.databases)],
      );
      faults.push(`terminated ${terminated[0].n} PostgreSQL connections`);
      faultsDone = true;
    })();
    await Promise.all([load, inject]);

    // Quiet again: every outbox drained, every event consumed.
    await waitFor(
      async () => {
        for (const service of ['identity', 'tracking', 'permits'] as const) {
          const [{ n }] = await query<{ n: number }>(
            service,
            `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`,
          );
          if (n > 0) return false;
        }
        return true;
      },
      60000,
      250,
    );

    // 1. Every acknowledged request is there exactly once.
    const apps = await query<{ id: string; status: string }>(
      'permits',
      `SELECT id, status FROM applications`,
    );
    expect(apps.map((a) => a.id).sort()).toEqual([...drafts].sort());
    const history = await query<{ type: string; n: number }>(
      'permits',
      `SELECT type, count(*)::int AS n FROM application_history GROUP BY type ORDER BY type`,
    );
    expect(history).toEqual(
      expect.arrayContaining([
        { type: 'submitted', n: FILES },
        { type: 'action', n: 2 * FILES },
      ]),
    );
    const open = await query<{ stage: string; n: number }>(
      'permits',
      `SELECT stage, count(*)::int AS n FROM tasks WHERE status IN ('open', 'claimed') GROUP BY stage`,
    );
    expect(open).toEqual([{ stage: 'decision', n: FILES }]);
    // Nothing is left held: a crashed replica holds no claim or lock that outlives it.
    const claimed = await query<{ n: number }>(
      'permits',
      `SELECT count(*)::int AS n FROM tasks WHERE status = 'claimed'`,
    );
    expect(claimed[0].n).toBe(0);
    const letterRows = await query<{ n: number }>(
      'tracking',
      `SELECT count(*)::int AS n FROM dossiers WHERE kind = 'letter'`,
    );
    expect(letterRows[0].n).toBe(letters);
    const handoffs = await query<{ status: string; n: number }>(
      'tracking',
      `SELECT h.status, count(*)::int AS n FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id WHERE d.kind = 'letter' GROUP BY h.status`,
    );
    expect(handoffs).toEqual([{ status: 'received', n: letters }]);

    // 2. Every committed change has exactly one event in JetStream: outbox rows = distinct events, no duplicates.
    const outboxed = new Map<string, string>();
    for (const service of ['identity', 'tracking', 'permits'] as const)
      for (const row of await query<{ id: string; subject: string }>(
        service,
        `SELECT id, subject FROM outbox`,
      ))
        outboxed.set(row.id, row.subject);
    const nc = await connect({
      servers: system.nats.urls,
      ...natsConnectAs(system.nats.credentials, 'auditor'),
    });
    const seen = new Map<string, number>();
    try {
      const jsm = await nc.jetstreamManager();
      const name = `fault-audit-${randomUUID().slice(0, 8)}`;
      await jsm.consumers.add('BERKAS_EVENTS', {
        name,
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
      });
      const consumer = await nc.jetstream().consumers.get('BERKAS_EVENTS', name);
      const { state } = await jsm.streams.info('BERKAS_EVENTS');
      for (let read = 0; read < state.messages;) {
        const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
        for await (const m of batch) {
          read++;
          const id = (m.json() as { id: string }).id;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
    } finally {
      await nc.close();
    }
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    const lost = [...outboxed.keys()].filter((id) => !seen.has(id));
    expect({ duplicated, lost }).toEqual({ duplicated: 0, lost: [] });

    // 3. Every dossier's history chain verifies, and the public view followed every file.
    for (const tn of trackingNumbers) {
      const verified = await reliably(() => api.get(`/api/v1/dossiers/${tn}/history/verify`).set(bearer(fo)));
      expect([tn, verified.body.intact]).toEqual([tn, true]);
    }
    for (const tn of fileNumbers) {
      const view = await waitFor(
        async () => {
          const v = (await api.get(`/api/v1/track/${tn}`).expect(200)).body;
          return v.currentStages[0]?.agency.code === 'DPMPTSP' && v.dueAt !== null ? v : null;
        },
        60000,
        250,
      );
      // Each stage's milestone once: no event lost, none applied twice.
      const started = view.timeline.filter((e: { event: string }) => e.event === 'stage-started');
      expect([tn, started.length]).toEqual([tn, 3]);
    }

    // 4. Every message owed was delivered once, counted where people receive them.
    const delivery = await deliveredOnce(fileNumbers);

    // What failed before it was acknowledged failed cleanly: 503, to be retried with the same key.
    expect(Object.keys(tally.failedThenRetried).filter((why) => !why.startsWith('503'))).toEqual([]);
    process.stdout.write(
      `faults: ${JSON.stringify({ faults, files: FILES, letters, ...tally, events: outboxed.size, duplicated, lost: lost.length, delivery })}\n`,
    );
  });

  /**
   * Every event notifications consumes became one notice, every message settled (delivered, or read
   * for WhatsApp), and each arrived exactly once at the SMTP sink, the SMS gateway or WhatsApp: none
   * lost, none twice, none that Berkas has no record of. The one resend that may show twice is an email
   * a replica died sending after the mail server took it: it carries the same Message-ID, and its
   * history says it was sent again (see RELIABILITY.md).
   */
  const deliveredOnce = async (fileNumbers: string[]) => {
    // What owes someone a message, told from each event as notifications tells it: a step of a file
    // other than a draft's, a late task, a reminder, and a dossier sent or refused.
    const owed = [
      ...(await query<{ id: string }>(
        'permits',
        `SELECT id FROM outbox WHERE subject IN ('evt.permits.task.overdue', 'evt.permits.reminder-due')
           OR (subject = 'evt.permits.application-changed' AND payload->'data' ? 'historySeq'
               AND payload->'data'->>'change' NOT IN ('created', 'form-updated'))`,
      )),
      ...(await query<{ id: string }>(
        'tracking',
        `SELECT id FROM outbox WHERE subject = 'evt.tracking.handoff-changed' AND payload->'data'->>'status' <> 'received'`,
      )),
    ]
      .map((e) => e.id)
      .sort();
    type Row = { id: string; channel: string; status: string; interrupted: boolean };
    const rows = await waitFor(
      async () => {
        const [{ pending }] = await query<{ pending: number }>(
          'notifications',
          `SELECT count(*)::int AS pending FROM notices WHERE state = 'pending'`,
        );
        const messages = await query<Row>(
          'notifications',
          `SELECT id, channel, status, EXISTS (SELECT 1 FROM message_statuses s WHERE s.message_id = m.id
             AND s.detail = 'sent again after an interrupted send') AS interrupted FROM messages m`,
        );
        const unsettled = messages.filter((m) => m.status === 'queued' || m.status === 'sent');
        return pending === 0 && unsettled.length === 0 ? messages : null;
      },
      180000,
      1000,
    );
    const notices = await query<{ event_id: string }>('notifications', `SELECT event_id FROM notices`);
    expect(notices.map((n) => n.event_id).sort()).toEqual(owed);
    expect(rows.filter((m) => !['delivered', 'read', 'skipped'].includes(m.status))).toEqual([]);

    const { mail, sms, whatsapp } = system.providers;
    const arrived = new Map<string, number>();
    const count = (reference: string | null | undefined) =>
      arrived.set(reference ?? 'none', (arrived.get(reference ?? 'none') ?? 0) + 1);
    for (const m of await mail.messages()) count(m.headers['x-berkas-reference']);
    for (const m of await sms.messages()) count(/[?&]reference=([^&]+)/.exec(m.statusCallback ?? '')?.[1]);
    const toSiti = await whatsapp.messages();
    for (const m of toSiti) count(m.biz_opaque_callback_data);
    // Siti's receipts in particular: one per file she submitted, naming its tracking number.
    const receipts = toSiti.filter((m) => m.template?.name === 'berkas_diterima');
    expect(receipts.map((m) => m.template!.parameters[1]).sort()).toEqual([...fileNumbers].sort());
    const sentRows = rows.filter((m) => m.status !== 'skipped');
    const known = new Set(sentRows.map((m) => m.id));
    const lostMessages = sentRows.filter((m) => !arrived.has(m.id)).map((m) => m.id);
    const unknown = [...arrived.keys()].filter((reference) => !known.has(reference));
    const twice = [...arrived].filter(([, n]) => n > 1).map(([reference]) => reference);
    const resentEmail = new Set(
      sentRows.filter((m) => m.interrupted && m.channel === 'email').map((m) => m.id),
    );
    expect({ lostMessages, unknown, twiceUnmarked: twice.filter((id) => !resentEmail.has(id)) }).toEqual({
      lostMessages: [],
      unknown: [],
      twiceUnmarked: [],
    });
    const byChannel = (channel: string) => sentRows.filter((m) => m.channel === channel).length;
    return {
      notices: notices.length,
      messages: sentRows.length,
      email: byChannel('email'),
      whatsapp: byChannel('whatsapp'),
      sms: byChannel('sms'),
      interrupted: rows.filter((m) => m.interrupted).length,
      twice: twice.length,
    };
  };
});
