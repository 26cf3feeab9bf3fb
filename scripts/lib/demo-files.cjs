// Demo files for `npm start`: a citizen's practice licence (SIP) that was issued, and one that is
// being reviewed at the health office, made through the public HTTP API exactly as people would.
// Run again against the same databases, it finds the files it made before instead of adding more.

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)]);
const PDF = new Uint8Array([...new TextEncoder().encode('%PDF-1.7\n'), ...new Array(200).fill(0)]);
const SIP_DOCUMENTS = [
  ['identity-card', PNG, 'ktp.png', 'image/png'],
  ['certificate', PDF, 'str.pdf', 'application/pdf'],
  ['statement', PDF, 'rekomendasi.pdf', 'application/pdf'],
];

/** JSON over HTTP against the API: answers the parsed reply, throws on any status but 2xx. */
function client(baseUrl) {
  return async function call(method, path, { body, token, form } = {}) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: form ?? (body ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

async function ensureDemoFiles(baseUrl, demo) {
  const call = client(baseUrl);
  const tokens = {};
  const signIn = async (username) =>
    (tokens[username] ??= (
      await call('POST', '/api/v1/auth/login', { body: { username, password: demo.password } })
    ).accessToken);
  const officer = (agency, role) =>
    signIn(demo.staff.find((s) => s.agency === agency && s.roles.includes(role)).email);
  const citizen = await signIn(demo.person.email);

  const act = async (token, applicationId, action) => {
    const inbox = await call('GET', '/api/v1/inbox?limit=200', { token });
    const task = inbox.items.find((t) => t.applicationId === applicationId);
    if (!task) throw new Error(`no open task for application ${applicationId}`);
    return call('POST', `/api/v1/tasks/${task.id}/actions`, { token, body: { action } });
  };

  const submitSip = async (address) => {
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
          practiceAddress: address,
          practiceArea: '32.71.03.1006',
          practiceOrder: 1,
        },
      },
    });
    const submitted = await call('POST', `/api/v1/applications/${draft.id}/submit`, { token: citizen });
    await act(await officer('DPMPTSP', 'front-office'), draft.id, 'complete');
    return submitted;
  };

  const mine = (await call('GET', '/api/v1/applications?limit=200', { token: citizen })).items;
  let issued = mine.find((a) => a.permitType === 'SIP' && a.status === 'issued');
  let inReview = mine.find((a) => a.permitType === 'SIP' && a.status === 'in-review');
  if (!issued) {
    issued = await submitSip('Jl. Merdeka 5, Bogor');
    await act(await officer('DINKES', 'reviewer'), issued.id, 'recommend');
    await act(await officer('DPMPTSP', 'supervisor'), issued.id, 'approve');
    await act(await officer('DPMPTSP', 'front-office'), issued.id, 'issue');
  }
  inReview ??= await submitSip('Jl. Pajajaran 12, Bogor');
  const permit = await call('GET', `/api/v1/applications/${issued.id}/permit`, { token: citizen });
  return {
    inReview: inReview.trackingNumber,
    issued: issued.trackingNumber,
    verificationUrl: permit.verificationUrl,
  };
}

module.exports = { ensureDemoFiles, client, PDF, PNG, SIP_DOCUMENTS };
