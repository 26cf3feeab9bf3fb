import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';
import { SlaScheduler } from './sla-scheduler.service';

// permits.applications.returned and permits.tasks.escalated on real PostgreSQL: what an office
// follows up beyond its queues.
describe('follow-up lists', () => {
  let t: PermitsUnderTest;
  let rina: Person;
  let sri: Person;
  const sip = {
    permitType: 'SIP',
    form: {
      profession: 'bidan',
      strNumber: 'STR-3271/2024/0042',
      practiceAddress: 'Jl. Merdeka 5',
      practiceArea: '32.71.03.1006',
      practiceOrder: 1,
    },
    documents: ['identity-card', 'certificate', 'statement'] as const,
  };
  const submitted = async () => {
    const applicant = await t.applicant();
    const app = await t.draft(applicant, { ...sip, documents: [...sip.documents] });
    const sent = await t.client.request('permits.applications.submit', { id: app.id }, applicant.token);
    return { ...app, applicant, taskId: sent.openTasks[0].id };
  };

  beforeAll(async () => {
    t = await startPermitsUnderTest();
    rina = await t.officer('DPMPTSP', ['front-office']);
    sri = await t.officer('DPMPTSP', ['supervisor']);
  });
  afterEach(() => t.verify());
  afterAll(() => t?.stop());

  it('lists the files an agency returned, the longest waiting first, until their applicant sends them back', async () => {
    const [first, second] = [await submitted(), await submitted()];
    for (const file of [first, second])
      await t.client.request(
        'permits.tasks.act',
        {
          id: file.taskId,
          action: 'return',
          note: 'STR kedaluwarsa',
          reason: 'dokumen-tidak-lengkap',
          fix: { fields: ['strNumber'], documents: ['certificate'] },
        },
        rina.token,
      );
    const returned = (who: Person, after?: string) =>
      t.client.request('permits.applications.returned', { limit: 1, ...(after ? { after } : {}) }, who.token);
    const page1 = await returned(rina);
    expect(page1.items).toEqual([
      expect.objectContaining({
        applicationId: first.id,
        trackingNumber: first.trackingNumber,
        agencyCode: 'DPMPTSP',
        note: 'STR kedaluwarsa',
        fields: ['strNumber'],
        documents: ['certificate'],
      }),
    ]);
    const page2 = await returned(sri, page1.nextCursor!);
    expect(page2.items.map((f) => f.applicationId)).toEqual([second.id]);
    // Another agency's officers do not follow DPMPTSP's returns; a resubmitted file leaves the list.
    const fajar = await t.officer('DLH', ['reviewer']);
    expect((await returned(fajar)).items).toEqual([]);
    await t.client.request('permits.applications.resubmit', { id: first.id }, first.applicant.token);
    expect((await returned(rina)).items.map((f) => f.applicationId)).toEqual([second.id]);
  });

  it("lists a supervisor's escalations: a late task still waiting, and a review its stage decided itself (fiktif positif)", async () => {
    const late = await submitted();
    const decided = await submitted();
    await t.client.request('permits.tasks.act', { id: decided.taskId, action: 'complete' }, rina.token);
    await t.db.query(`UPDATE tasks SET due_at = now() - interval '1 day' WHERE id = $1`, [late.taskId]);
    await t.db.query(
      `UPDATE tasks SET due_at = now() - interval '1 day' WHERE application_id = $1 AND stage = 'competence-review'`,
      [decided.id],
    );
    await t.service(SlaScheduler).runOnce();

    const escalated = await t.client.request('permits.tasks.escalated', {}, sri.token);
    expect(escalated.items.find((e) => e.applicationId === late.id)).toMatchObject({
      taskId: late.taskId,
      stage: 'verification',
      status: 'open',
      automaticAction: null,
      automaticActionLabel: null,
    });
    // The competence review is DINKES's: its supervisor answers for the automatic recommendation.
    const lina = await t.officer('DINKES', ['supervisor']);
    const theirs = await t.client.request('permits.tasks.escalated', {}, lina.token);
    expect(theirs.items.find((e) => e.applicationId === decided.id)).toMatchObject({
      stage: 'competence-review',
      status: 'done',
      automaticAction: 'recommend',
      automaticActionLabel: expect.objectContaining({ id: expect.any(String) }),
    });
    expect(escalated.items.some((e) => e.applicationId === decided.id)).toBe(false);
    await expect(t.client.request('permits.tasks.escalated', {}, rina.token)).rejects.toMatchObject({
      status: 403,
    });
  });
});
