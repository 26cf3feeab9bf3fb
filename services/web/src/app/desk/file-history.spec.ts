import type { ApplicationHistory, DocumentView, WorkflowDefinition } from '@berkas/contracts';
import { historyRows } from './file-history';
import { documentChains, seatFor } from './officer-file';

const DEF = {
  code: 'SIP',
  name: { id: 'SIP', en: 'SIP' },
  serviceStandardDays: 10,
  start: 'decision',
  stages: {
    decision: {
      kind: 'task',
      label: { id: 'Keputusan', en: 'Decision' },
      owner: { agencyCode: 'DPMPTSP', role: 'supervisor' },
      slaDays: 2,
      actions: { approve: { to: '@issued', label: { id: 'Setujui', en: 'Approve' } } },
    },
  },
} as unknown as WorkflowDefinition;

type Entry = ApplicationHistory['entries'][number];
const entry = (e: Partial<Entry>): Entry => ({
  seq: 1,
  type: 'action',
  occurredAt: '2026-11-27T03:00:00.000Z',
  actor: { kind: 'staff', id: 's1', name: 'Rina', agencyCode: 'DPMPTSP' },
  data: {},
  hash: '0'.repeat(64),
  ...e,
});

describe("a file's history in words", () => {
  it("names the action by its label, the stage's role, and the position an acting official held", () => {
    const [row] = historyRows(
      [
        entry({
          data: {
            stage: 'decision',
            action: 'approve',
            note: 'Lengkap.',
            attachments: [
              { documentId: 'd1', fileName: 'telaah.pdf', mediaType: 'application/pdf', size: 9 },
              { documentId: 'd2' }, // not what an attachment is: left out
            ],
          },
          actor: {
            kind: 'staff',
            id: 's2',
            name: 'Dedi',
            agencyCode: 'DPMPTSP',
            onBehalfOf: 's9',
            onBehalfOfName: 'Ir. Bambang',
            actingAs: 'plt',
          },
        }),
      ],
      DEF,
      'id',
    );
    expect(row).toMatchObject({
      what: 'Setujui',
      stage: 'Keputusan',
      who: 'Dedi (DPMPTSP)',
      capacity: 'Kepala/penyelia, Plt. untuk Ir. Bambang',
      said: 'Lengkap.',
      attachments: [{ documentId: 'd1', fileName: 'telaah.pdf' }],
    });
  });

  it("says what the applicant did without a role, and a refusal's reason", () => {
    const rows = historyRows(
      [
        entry({ type: 'submitted', actor: { kind: 'applicant', id: 'a1', name: 'Siti' } }),
        entry({
          type: 'custody-refused',
          actor: { kind: 'service', id: 'permits' },
          data: { reason: 'Sampul rusak' },
        }),
      ],
      DEF,
      'en',
    );
    expect(rows[0]).toMatchObject({
      what: 'Application submitted',
      who: 'Siti',
      capacity: null,
      attachments: [],
    });
    expect(rows[1]).toMatchObject({
      what: 'Paper dossier refused',
      who: 'Berkas system',
      said: 'Sampul rusak',
    });
  });
});

describe("a dossier's documents", () => {
  const doc = (id: string, previousId: string | null, version: number, uploadedAt: string): DocumentView =>
    ({ id, previousId, version, uploadedAt, kind: 'certificate', fileName: `${id}.pdf` }) as DocumentView;

  it('shows each file once at its latest version, with the versions it replaced newest first', () => {
    const chains = documentChains([
      doc('a1', null, 1, '2026-11-01T00:00:00Z'),
      doc('b1', null, 1, '2026-11-02T00:00:00Z'),
      doc('a2', 'a1', 2, '2026-11-03T00:00:00Z'),
      doc('a3', 'a2', 3, '2026-11-04T00:00:00Z'),
    ]);
    expect(chains.map((c) => [c.current.id, c.earlier.map((e) => e.id)])).toEqual([
      ['b1', []],
      ['a3', ['a2', 'a1']],
    ]);
  });
});

describe("an officer's seat for a task", () => {
  const person = {
    name: 'Dedi',
    kind: 'staff' as const,
    seats: [
      { agencyCode: 'DPMPTSP', roles: ['verifier'] },
      {
        agencyCode: 'DPMPTSP',
        roles: ['supervisor'],
        acting: { kind: 'plt' as const, holderName: 'Ir. Bambang', until: '2999-01-01T00:00:00Z' },
      },
      {
        agencyCode: 'DLH',
        roles: ['supervisor'],
        acting: { kind: 'plh' as const, holderName: 'Ani', until: '2000-01-01T00:00:00Z' },
      },
    ],
  };

  it('is their own, or a position they act in while the appointment lasts', () => {
    expect(seatFor(person, 'DPMPTSP', 'verifier')?.acting).toBeUndefined();
    expect(seatFor(person, 'DPMPTSP', 'supervisor')?.acting?.holderName).toBe('Ir. Bambang');
    expect(seatFor(person, 'DLH', 'supervisor')).toBeNull(); // the Plh ended
    expect(seatFor(person, 'DPUPR', 'reviewer')).toBeNull();
  });
});
