import request from 'supertest';
import { waitFor, type PrivateMailSink } from '@berkas/testing';

// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo accounts npm start prints
import demo from '../../services/identity/src/app/demo/demo-data.json';

export { demo };

/** What `npm start` runs once the system is up: the demo files, made through the HTTP API. */
// eslint-disable-next-line @nx/enforce-module-boundaries
export const { ensureDemoFiles } = require('../../scripts/lib/demo-files.cjs') as {
  ensureDemoFiles(
    url: string,
    data: typeof demo,
  ): Promise<{ inReview: string; issued: string; verificationUrl: string }>;
};
/** What `npm start` runs next: the officers' desks, a few dozen files per permit type at every stage. */
// eslint-disable-next-line @nx/enforce-module-boundaries
export const { ensureDemoDesk } = require('../../scripts/lib/demo-desk.cjs') as {
  ensureDemoDesk(
    url: string,
    data: typeof demo,
    options: { perType: number; permitsDatabaseUrl?: string },
  ): Promise<{ SIP: number; REKLAME: number; PBG: number; aged: number }>;
};
export type Api = ReturnType<typeof request>;

export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(300),
]);
export const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300)]);

export const SIP_DOCUMENTS = [
  ['identity-card', PNG, 'ktp.png'],
  ['certificate', PDF, 'str.pdf'],
  ['statement', PDF, 'rekomendasi.pdf'],
] as const;
export const SIP_FORM = {
  profession: 'bidan',
  strNumber: 'STR-3271/2024/0042',
  practiceAddress: 'Jl. Merdeka 5, Bogor',
  practiceArea: '32.71.03.1006',
  practiceOrder: 1,
};

/** The demo officer of an agency with a role, by email. */
export const officer = (agency: string, role: string) =>
  demo.staff.find((s) => s.agency === agency && s.roles.includes(role))!.email;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** What the people of a journey do through the HTTP API, and nothing else. */
export function people(api: Api) {
  const signIn = async (username: string, password = demo.password): Promise<string> =>
    (await api.post('/api/v1/auth/login').send({ username, password }).expect(200)).body.accessToken;

  /**
   * An officer an admin just added: signs in with the initial password and, as the API requires
   * before anything else, chooses their own (the initial one with "milik sendiri" added); answers the new token.
   */
  const signInFirstTime = async (username: string, initialPassword: string): Promise<string> => {
    const first = await signIn(username, initialPassword);
    return (
      await api
        .post('/api/v1/auth/password')
        .set('authorization', `Bearer ${first}`)
        .send({ currentPassword: initialPassword, newPassword: `${initialPassword} milik sendiri` })
        .expect(200)
    ).body.accessToken;
  };

  const upload = (token: string, applicationId: string, kind: string, bytes: Buffer, name: string) =>
    api
      .post(`/api/v1/applications/${applicationId}/documents`)
      .set(bearer(token))
      .field('kind', kind)
      .attach('file', bytes, name);

  /** The officer's open task on the application, from their inbox. */
  const taskOf = async (token: string, applicationId: string) => {
    const inbox = (await api.get('/api/v1/inbox?limit=200').set(bearer(token)).expect(200)).body;
    return inbox.items.find((t: { applicationId: string }) => t.applicationId === applicationId) as
      { id: string; stage: string } | undefined;
  };

  /**
   * Takes an action on the application's task in the officer's inbox (with a reason code where the
   * stage lists reasons); answers the HTTP response.
   */
  const act = async (
    token: string,
    applicationId: string,
    action: string,
    note?: string,
    reason?: string,
  ) => {
    const task = await taskOf(token, applicationId);
    if (!task) throw new Error(`no task for ${applicationId} in this officer's inbox`);
    return api
      .post(`/api/v1/tasks/${task.id}/actions`)
      .set(bearer(token))
      .send({ action, ...(note ? { note } : {}), ...(reason ? { reason } : {}) });
  };

  /** The public tracking view, once it satisfies `ready` (events reach tracking asynchronously). */
  const trackUntil = (trackingNumber: string, ready: (view: PublicViewBody) => boolean, timeoutMs = 20000) =>
    waitFor(
      async () => {
        const view = (await api.get(`/api/v1/track/${trackingNumber}`).expect(200)).body as PublicViewBody;
        return ready(view) ? view : null;
      },
      timeoutMs,
      200,
    );

  /** A practice-licence draft with its documents and form, ready to submit; answers the application. */
  const readySip = async (token: string) => {
    const app = (
      await api
        .post('/api/v1/applications')
        .set(bearer(token))
        .send({ permitType: 'SIP', regionCode: '3271' })
        .expect(201)
    ).body as { id: string };
    for (const [kind, bytes, name] of SIP_DOCUMENTS)
      await upload(token, app.id, kind, bytes, name).expect(201);
    await api.patch(`/api/v1/applications/${app.id}`).set(bearer(token)).send({ form: SIP_FORM }).expect(200);
    return app;
  };

  /** A practice licence sent by its applicant; answers the submitted application. */
  const submittedSip = async (token: string) => {
    const { id } = await readySip(token);
    return (await api.post(`/api/v1/applications/${id}/submit`).set(bearer(token)).expect(200)).body as {
      id: string;
      trackingNumber: string;
      holderName: string;
    };
  };

  return { signIn, signInFirstTime, upload, taskOf, act, trackUntil, readySip, submittedSip };
}

export interface PublicViewBody {
  trackingNumber: string;
  status: string;
  holder: { code: string; name: string };
  dueAt: string | null;
  awaitingApplicant: boolean;
  currentStages: Array<{ label: { id: string; en: string }; agency: { code: string }; dueAt: string | null }>;
  timeline: Array<{ event: string; label: { id: string; en: string }; agency: { code: string } | null }>;
}

/** The one-time code in the newest mail to `email`, once it has arrived. */
export const codeMailedTo = (mail: PrivateMailSink, email: string): Promise<string> =>
  waitFor(async () => /\b(\d{6})\b/.exec((await mail.messages(email))[0]?.text ?? '')?.[1] ?? null, 10000);

/**
 * Registers an applicant the way a person does: the registration, then the code from their mailbox
 * (the system's mail sink). Answers the account.
 */
export async function registerApplicant(
  api: Api,
  mail: PrivateMailSink,
  body: { email: string } & Record<string, unknown>,
): Promise<{ id: string }> {
  await api.post('/api/v1/auth/register').send(body).expect(202);
  const code = await codeMailedTo(mail, body.email.toLowerCase());
  return (await api.post('/api/v1/auth/register/confirm').send({ login: body.email, code }).expect(201)).body;
}
