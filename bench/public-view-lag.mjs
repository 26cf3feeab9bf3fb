// Public tracking lag: how long after a change is committed (the officer's request has answered) the
// public view, read through the gateway and its cache, shows it. Two paths:
//   handoff  a change tracking makes itself: its transaction, then the signal that drops the cached view;
//   action   a change in permits: its outbox, JetStream, tracking's progress consumer, then the signal.
// Each file's view is looked up once before the change, so the gateway holds it cached: the figure
// includes the cache being told. Usage: npm run bench -- public-view-lag [files=60]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median, root, startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const demo = require(join(root, 'services/identity/src/app/demo/demo-data.json'));
const { client, SIP_DOCUMENTS } = require(join(root, 'scripts/lib/demo-files.cjs'));
const FILES = Number(process.argv[2] ?? 60);
const POLL_MS = 5;

const system = await startBerkas({ gateway: { LOG_LEVEL: 'error', RATE_LIMIT_LOOKUPS: '100000000' } });
const base = system.gatewayUrl;

const call = client(base);
const signIn = async (username) =>
  (await call('POST', '/api/v1/auth/login', { body: { username, password: demo.password } })).accessToken;
const officer = (agency, role) =>
  signIn(demo.staff.find((s) => s.agency === agency && s.roles.includes(role)).email);

/** Milliseconds from `change()` answering until the public view satisfies `shows`. */
async function lagOf(trackingNumber, change, shows) {
  await call('GET', `/api/v1/track/${trackingNumber}`); // cached from here on
  await change();
  const committed = performance.now();
  for (;;) {
    if (shows(await call('GET', `/api/v1/track/${trackingNumber}`))) return performance.now() - committed;
    if (performance.now() - committed > 60_000) throw new Error(`${trackingNumber} never showed the change`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const summary = (name, xs) =>
  `| ${name.padEnd(7)} | ${String(xs.length).padStart(5)} | ${median(xs).toFixed(0).padStart(6)} | ${pct(xs, 0.95).toFixed(0).padStart(6)} | ${Math.max(
    ...xs,
  )
    .toFixed(0)
    .padStart(6)} |`;

try {
  const frontOffice = await officer('DPMPTSP', 'front-office');
  const me = await call('GET', '/api/v1/me', { token: frontOffice });
  const dpupr = await call('GET', `/api/v1/regions/${demo.region.code}/agencies/DPUPR`, {
    token: frontOffice,
  });

  const handoffs = [];
  for (let i = 0; i < FILES; i++) {
    const letter = await call('POST', '/api/v1/dossiers', {
      token: frontOffice,
      body: {
        title: `Surat ${i}`,
        kind: 'letter',
        originAgencyId: me.principal.agencyId,
        confidentiality: 'public',
      },
    });
    handoffs.push(
      await lagOf(
        letter.trackingNumber,
        () =>
          call('POST', `/api/v1/dossiers/${letter.trackingNumber}/handoffs`, {
            token: frontOffice,
            body: { toAgencyId: dpupr.id },
          }),
        (view) => view.status === 'in-transit',
      ),
    );
  }

  const citizen = await signIn(demo.person.email);
  const actions = [];
  for (let i = 0; i < FILES; i++) {
    const draft = await call('POST', '/api/v1/applications', {
      token: citizen,
      body: { permitType: 'SIP', regionCode: demo.region.code },
    });
    for (const [kind, bytes, name, type] of SIP_DOCUMENTS) {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', new Blob([bytes], { type }), name);
      await call('POST', `/api/v1/applications/${draft.id}/documents`, { token: citizen, form });
    }
    await call('PATCH', `/api/v1/applications/${draft.id}`, {
      token: citizen,
      body: {
        form: {
          profession: 'bidan',
          strNumber: 'STR-3271/2024/0042',
          practiceAddress: `Jl. ${i}`,
          practiceArea: '32.71.03.1006',
          practiceOrder: 1,
        },
      },
    });
    const submitted = await call('POST', `/api/v1/applications/${draft.id}/submit`, { token: citizen });
    const inbox = await call('GET', '/api/v1/inbox?limit=200', { token: frontOffice });
    const task = inbox.items.find((t) => t.applicationId === draft.id);
    actions.push(
      await lagOf(
        submitted.trackingNumber,
        () =>
          call('POST', `/api/v1/tasks/${task.id}/actions`, {
            token: frontOffice,
            body: { action: 'complete' },
          }),
        (view) => view.currentStages.some((s) => s.agency.code === 'DINKES'),
      ),
    );
  }

  process.stdout.write(
    [
      `public view lag after a committed change, cached view, polled every ${POLL_MS} ms (ms)`,
      '| path    | files |    p50 |    p95 |    max |',
      '| ------- | ----: | -----: | -----: | -----: |',
      summary('handoff', handoffs),
      summary('action', actions),
      '',
    ].join('\n'),
  );
} finally {
  await system.stop();
}
