// A working day's desk for `npm start`: a few dozen files of each permit type, walked through the
// public HTTP API by the demo applicants and officers exactly as people would, and left at every
// stage: just submitted, claimed, returned for corrections (and some answered), in review at each
// agency, paper dossiers on their way between agencies, levies billed and paid, decided, issued,
// rejected. Run again against the same databases, it only adds what is missing.
//
// Time does not pass in a demo, so nothing would ever be late: some of the files it makes are then
// aged, their open tasks' clocks moved back a few days in the permits database (the one step that
// is not the API's), and the SLA scheduler escalates them as it would any overdue task.

const { client, PDF, PNG, SIP_DOCUMENTS } = require('./demo-files.cjs');

// Streets of Kota Bogor, each with its kelurahan's Kemendagri code (the forms' `area` answer), so
// the desk's kecamatan/kelurahan filter has files spread over the city.
const STREETS = [
  ['Jl. Pajajaran', '32.71.02.1002'], // Baranangsiang, Bogor Timur
  ['Jl. Suryakencana', '32.71.03.1008'], // Babakan Pasar, Bogor Tengah
  ['Jl. Juanda', '32.71.03.1002'], // Paledang, Bogor Tengah
  ['Jl. Pandu Raya', '32.71.05.1002'], // Tegal Gundil, Bogor Utara
  ['Jl. Sholeh Iskandar', '32.71.06.1003'], // Kedung Badak, Tanah Sareal
  ['Jl. Merdeka', '32.71.03.1010'], // Ciwaringin, Bogor Tengah
  ['Jl. Raya Tajur', '32.71.02.1006'], // Tajur, Bogor Timur
  ['Jl. Batutulis', '32.71.01.1001'], // Batutulis, Bogor Selatan
  ['Jl. Raya Semplak', '32.71.04.1007'], // Semplak, Bogor Barat
];
const street = (i) => `${STREETS[i % STREETS.length][0]} ${10 + i}, Bogor`;
const area = (i) => STREETS[i % STREETS.length][1];

/** Who applies, what they answer and upload, per permit type. */
const TYPES = {
  SIP: {
    applicant: 'person',
    documents: SIP_DOCUMENTS,
    form: (i) => ({
      profession: ['bidan', 'perawat', 'dokter', 'apoteker', 'fisioterapis'][i % 5],
      strNumber: `STR-3271/2024/${String(100 + i).padStart(4, '0')}`,
      practiceAddress: street(i),
      practiceArea: area(i),
      practiceOrder: 1 + (i % 3),
    }),
  },
  REKLAME: {
    applicant: 'company',
    documents: [
      ['identity-card', PNG, 'ktp-direktur.png', 'image/png'],
      ['photo', PNG, 'lokasi-papan.png', 'image/png'],
      ['site-plan', PDF, 'denah-lokasi.pdf', 'application/pdf'],
    ],
    form: (i) => ({
      location: street(i),
      siteArea: area(i),
      boardArea: 2 + (i % 8),
      months: 1 + (i % 12),
      content: `Promo Hujan Sejahtera ${i + 1}`,
    }),
  },
  PBG: {
    applicant: 'company',
    documents: [
      ['identity-card', PNG, 'ktp-direktur.png', 'image/png'],
      ['certificate', PDF, 'shm.pdf', 'application/pdf'],
      ['technical-drawing', PDF, 'gambar-arsitektur.pdf', 'application/pdf'],
      ['site-plan', PDF, 'gambar-situasi.pdf', 'application/pdf'],
    ],
    form: (i) => ({
      buildingFunction: ['usaha', 'hunian', 'sosial-budaya'][i % 3],
      address: street(i),
      siteArea: area(i),
      floorArea: 90 + 15 * i,
      floors: 1 + (i % 4),
      buildingIndex: 1 + (i % 4) * 0.25,
      landCertificate: `SHM-${1000 + i}/2019`,
    }),
  },
};

// The steps a file is walked through, by permit type; file i stops after PLANS[type][i % n].
const RETURN = {
  act: ['DPMPTSP', 'front-office', 'return'],
  note: 'Foto KTP buram. Unggah ulang KTP yang terbaca jelas.',
  reason: 'dokumen-tidak-terbaca',
};
const PLANS = {
  SIP: [
    [],
    ['claim'],
    [RETURN],
    [RETURN, 'resubmit'],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }, { act: ['DINKES', 'reviewer', 'recommend'] }],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { act: ['DINKES', 'reviewer', 'recommend'] },
      { act: ['DPMPTSP', 'supervisor', 'approve'] },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { act: ['DINKES', 'reviewer', 'recommend'] },
      { act: ['DPMPTSP', 'supervisor', 'approve'] },
      { act: ['DPMPTSP', 'front-office', 'issue'] },
    ],
    [
      {
        act: ['DPMPTSP', 'front-office', 'reject'],
        note: 'STR tidak terdaftar di KKI.',
        reason: 'tidak-memenuhi-syarat',
      },
    ],
  ],
  REKLAME: [
    ['claim'],
    [RETURN],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }, { act: ['DPUPR', 'reviewer', 'approve'] }],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }, { act: ['DPUPR', 'reviewer', 'approve'] }, 'pay'],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { act: ['DPUPR', 'reviewer', 'approve'] },
      'pay',
      { act: ['DPMPTSP', 'verifier', 'paid'] },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { act: ['DPUPR', 'reviewer', 'approve'] },
      'pay',
      { act: ['DPMPTSP', 'verifier', 'paid'] },
      { act: ['DPMPTSP', 'supervisor', 'approve'] },
    ],
  ],
  PBG: [
    [],
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }], // the paper dossier on its way to DPUPR
    [{ act: ['DPMPTSP', 'front-office', 'complete'] }, { receive: 'DPUPR' }],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      { act: ['DLH', 'reviewer', 'approve'] },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      {
        act: ['DLH', 'reviewer', 'return'],
        note: 'Lengkapi dokumen lingkungan (SPPL) untuk bangunan usaha.',
      },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      { act: ['DLH', 'reviewer', 'approve'] },
      { act: ['DPUPR', 'reviewer', 'approve'] }, // back to DPMPTSP for the levy: on its way again
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      { act: ['DLH', 'reviewer', 'approve'] },
      { act: ['DPUPR', 'reviewer', 'approve'] },
      { receive: 'DPMPTSP' },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      { act: ['DLH', 'reviewer', 'approve'] },
      { act: ['DPUPR', 'reviewer', 'approve'] },
      { receive: 'DPMPTSP' },
      'pay',
      { act: ['DPMPTSP', 'verifier', 'paid'] },
    ],
    [
      { act: ['DPMPTSP', 'front-office', 'complete'] },
      { receive: 'DPUPR' },
      { act: ['DLH', 'reviewer', 'approve'] },
      { act: ['DPUPR', 'reviewer', 'approve'] },
      { receive: 'DPMPTSP' },
      'pay',
      { act: ['DPMPTSP', 'verifier', 'paid'] },
      { act: ['DPMPTSP', 'supervisor', 'approve'] },
      { act: ['DPMPTSP', 'front-office', 'issue'] },
    ],
  ],
};

/** Polls `probe` until it answers something, for what reaches another service as an event. */
async function until(probe, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let found;
    let failure;
    try {
      found = await probe();
    } catch (e) {
      failure = e; // not there yet (an event still on its way), or a real refusal: told at the end
    }
    if (found) return found;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${failure ? `: ${failure.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stages whose clock running out decides nothing by itself (no fiktif positif): safe to age. */
const AGEABLE_STAGES = ['verification', 'decision', 'fee-assessment', 'site-review', 'review-dpupr'];

/**
 * Moves the open tasks of `applicationIds` back in time (due date, start, clock) until they are 1 to
 * 4 days late, as if they had been waiting that long: the desk then shows overdue work, and the
 * scheduler escalates it. The shift is counted from the due date, not a fixed number of days: a
 * deadline set on a Saturday lies past the weekend and a fixed shift would leave it in the future.
 */
async function ageTasks(databaseUrl, applicationIds) {
  if (!applicationIds.length) return 0;
  const { Client } = require('pg');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const shift = `(t.due_at - now() + make_interval(days => 1 + abs(hashtext(t.id::text)) % 4))`;
    const { rowCount } = await db.query(
      `UPDATE tasks t SET
         due_at = t.due_at - ${shift},
         created_at = t.created_at - ${shift},
         clock = (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'start', (seg->>'start')::timestamptz - ${shift},
                    'end', CASE WHEN seg->>'end' IS NULL THEN NULL ELSE (seg->>'end')::timestamptz - ${shift} END)), '[]')
                  FROM jsonb_array_elements(t.clock) seg)
       WHERE t.application_id = ANY($1) AND t.status IN ('open', 'claimed') AND t.due_at IS NOT NULL
         AND t.stage = ANY($2)`,
      [applicationIds, AGEABLE_STAGES],
    );
    return rowCount;
  } finally {
    await db.end();
  }
}

async function ensureDemoDesk(baseUrl, demo, { perType = 30, permitsDatabaseUrl } = {}) {
  const call = client(baseUrl);
  const tokens = {};
  const signIn = async (username) =>
    (tokens[username] ??= (
      await call('POST', '/api/v1/auth/login', { body: { username, password: demo.password } })
    ).accessToken);
  const officer = (agency, role) =>
    signIn(demo.staff.find((s) => s.agency === agency && (!role || s.roles.includes(role))).email);
  const applicants = {
    person: await signIn(demo.person.email),
    company: await signIn(demo.company.members[0].email),
  };

  const step = {
    /** An action on the file's open task at the agency with the role (with the reason its stage lists). */
    act: async (app, [agency, role, action], note, reason) => {
      const token = await officer(agency, role);
      const task = await until(async () => {
        const now = await call('GET', `/api/v1/applications/${app.id}`, { token });
        return now.openTasks.find((t) => t.agencyCode === agency && t.role === role);
      }, `${agency} ${role}'s task on ${app.trackingNumber}`);
      const fix = action === 'return' ? { fix: { fields: [], documents: ['identity-card'] } } : {};
      await call('POST', `/api/v1/tasks/${task.id}/actions`, {
        token,
        body: {
          action,
          ...(note ? { note } : {}),
          ...(reason ? { reason } : {}),
          ...(note && action === 'return' ? fix : {}),
        },
      });
    },
    /** The addressee receives the paper dossier the workflow sent it. */
    receive: async (app, agency) => {
      const token = await officer(agency);
      const dossier = await until(async () => {
        const d = await call('GET', `/api/v1/dossiers/${app.trackingNumber}`, {
          token: await officer('DPMPTSP', 'front-office'),
        });
        return d.inTransit?.to.code === agency ? d : null;
      }, `the dossier ${app.trackingNumber} on its way to ${agency}`);
      await call('POST', `/api/v1/handoffs/${dossier.inTransit.handoffId}/receive`, {
        token,
        body: { note: 'Diterima lengkap' },
      });
    },
    claim: async (app) => {
      const token = await officer('DPMPTSP', 'front-office');
      const now = await call('GET', `/api/v1/applications/${app.id}`, { token });
      await call('POST', `/api/v1/tasks/${now.openTasks[0].id}/claim`, { token });
    },
    resubmit: async (app, owner) =>
      call('POST', `/api/v1/applications/${app.id}/resubmit`, { token: applicants[owner] }),
    pay: async (app) => {
      const token = await officer('DPMPTSP', 'verifier');
      await until(
        async () => (await call('GET', `/api/v1/applications/${app.id}`, { token })).fee,
        `the bill of ${app.trackingNumber}`,
      );
      await call('POST', `/api/v1/applications/${app.id}/payments`, {
        token,
        body: { reference: `BJB-${app.trackingNumber.slice(-6)}` },
      });
    },
  };

  const made = {};
  const toAge = [];
  for (const [code, type] of Object.entries(TYPES)) {
    const token = applicants[type.applicant];
    const mine = (await call('GET', '/api/v1/applications?limit=200', { token })).items.filter(
      (a) => a.permitType === code,
    );
    made[code] = 0;
    for (let i = mine.length; i < perType; i++) {
      const draft = await call('POST', '/api/v1/applications', {
        token,
        body: { permitType: code, regionCode: demo.region.code },
      });
      for (const [kind, bytes, name, mediaType] of type.documents) {
        const form = new FormData();
        form.append('kind', kind);
        form.append('file', new Blob([bytes], { type: mediaType }), name);
        await call('POST', `/api/v1/applications/${draft.id}/documents`, { token, form });
      }
      await call('PATCH', `/api/v1/applications/${draft.id}`, { token, body: { form: type.form(i) } });
      const app = await call('POST', `/api/v1/applications/${draft.id}/submit`, { token });
      const plan = PLANS[code][i % PLANS[code].length];
      // Every other round of the plans, the files left waiting at the one-stop office run late.
      if (Math.floor(i / PLANS[code].length) % 2 === 1) toAge.push(app.id);
      for (const s of plan) {
        if (typeof s === 'string') await step[s](app, type.applicant);
        else if (s.act) await step.act(app, s.act, s.note, s.reason);
        else await step.receive(app, s.receive);
      }
      made[code]++;
    }
  }
  made.aged = permitsDatabaseUrl ? await ageTasks(permitsDatabaseUrl, toAge) : 0;
  return made;
}

module.exports = { ensureDemoDesk };
