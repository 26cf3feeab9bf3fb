import { chooseChannels, maskAddress, type Person } from './channel-choice';
import { movesForward } from './message-status';
import { noticesOfHandoff, readableDate } from './notice-plan';

const person = (over: Partial<Person> = {}): Person => ({
  personId: '00000000-0000-4000-8000-000000000001',
  kind: 'applicant',
  name: 'Siti Rahayu',
  email: 'siti@example.id',
  phone: '+6281234567890',
  ...over,
});

describe('which channels a message goes by', () => {
  it('a citizen hears by WhatsApp, then SMS, then email, each only with consent where the law asks it', () => {
    const consented = new Set(['whatsapp', 'sms'] as const);
    expect(chooseChannels(person(), { emailFirst: false, legallyRequired: false, consented }).order).toEqual([
      'whatsapp',
      'sms',
      'email',
    ]);
    const none = chooseChannels(person(), {
      emailFirst: false,
      legallyRequired: false,
      consented: new Set(),
    });
    expect(none.order).toEqual(['email']);
    expect(none.notUsed.map((n) => n.channel)).toEqual(['whatsapp', 'sms']);
  });

  it('a notice the law requires goes by SMS without consent, never by WhatsApp', () => {
    const phoneOnly = person({ email: null });
    expect(
      chooseChannels(phoneOnly, { emailFirst: false, legallyRequired: true, consented: new Set() }).order,
    ).toEqual(['sms']);
    expect(
      chooseChannels(phoneOnly, { emailFirst: false, legallyRequired: false, consented: new Set() }).order,
    ).toEqual([]);
  });

  it('companies and officers hear by email first', () => {
    const consented = new Set(['whatsapp'] as const);
    expect(chooseChannels(person(), { emailFirst: true, legallyRequired: true, consented }).order).toEqual([
      'email',
      'whatsapp',
      'sms',
    ]);
  });

  it('shows addresses masked', () => {
    expect(maskAddress('siti@example.id')).toBe('s***@example.id');
    expect(maskAddress('+6281234567890')).toBe('+62812****7890');
  });
});

describe('a message status', () => {
  it('only moves forward, whatever order the reports come in', () => {
    expect(movesForward('queued', 'sent')).toBe(true);
    expect(movesForward('queued', 'delivered')).toBe(true);
    expect(movesForward('delivered', 'sent')).toBe(false);
    expect(movesForward('delivered', 'read')).toBe(true);
    expect(movesForward('read', 'delivered')).toBe(false);
    expect(movesForward('sent', 'failed')).toBe(true);
    expect(movesForward('delivered', 'failed')).toBe(false);
    expect(movesForward('failed', 'delivered')).toBe(false);
    expect(movesForward('dead', 'sent')).toBe(false);
  });
});

describe('what a handoff owes', () => {
  const receipt = {
    id: '00000000-0000-4000-8000-000000000010',
    dossierId: '00000000-0000-4000-8000-000000000011',
    trackingNumber: '3271-26-ABCD-EFGH-J',
    status: 'in-transit' as const,
    from: {
      id: '00000000-0000-4000-8000-000000000020',
      code: 'DPMPTSP',
      name: 'DPMPTSP Kota Bogor',
      regionCode: '3271',
    },
    to: {
      id: '00000000-0000-4000-8000-000000000021',
      code: 'DPUPR',
      name: 'DPUPR Kota Bogor',
      regionCode: '3271',
    },
    note: null,
    items: [],
    manifestHash: 'a'.repeat(64),
    sentBy: { kind: 'staff' as const, id: '00000000-0000-4000-8000-000000000030' },
    sentAt: '2026-11-27T03:00:00.000Z',
    resolvedBy: null,
    resolvedAt: null,
    refusalReason: null,
  };

  it("tells the receiving agency's front office (its supervisors where it has none) a dossier is coming", () => {
    const [notice] = noticesOfHandoff(receipt, 'https://berkas.example.id');
    expect(notice.notice).toBe('dossier-sent');
    expect(notice.audience).toEqual({
      role: { agencyId: receipt.to.id, role: 'front-office' },
      orRole: 'supervisor',
    });
    expect(notice.variables.link).toBe('https://berkas.example.id/berkas/3271-26-ABCD-EFGH-J');
  });

  it('tells the sender a refusal, with the reason, and nobody a receipt', () => {
    const [refused] = noticesOfHandoff(
      { ...receipt, status: 'refused', refusalReason: 'Lampiran\nkurang   lengkap' },
      'https://x.id',
    );
    expect(refused.audience).toEqual({ staffIds: [receipt.sentBy.id] });
    expect(refused.variables.reasons).toBe('Lampiran kurang lengkap');
    expect(noticesOfHandoff({ ...receipt, status: 'received' }, 'https://x.id')).toEqual([]);
  });

  it('writes due dates as people read them', () => {
    expect(readableDate('2026-12-04')).toBe('4 Desember 2026');
    expect(readableDate(null)).toBe('-');
  });
});
