import { NoticeTemplates, variablesOf, type NoticeTemplate } from './templates';

describe('notice templates', () => {
  const shipped = NoticeTemplates.shipped();

  it('word every notice in Indonesian and English, each WhatsApp text with exactly its registered parameters', () => {
    expect(shipped.kinds()).toEqual(
      expect.arrayContaining(['submitted', 'returned', 'issued', 'rejected', 'task-queued', 'dossier-sent']),
    );
    expect(shipped.registered()).toHaveLength(shipped.kinds().length * 2);
  });

  it('fill in the variables as given, without HTML escaping (they are text messages)', () => {
    const r = shipped.render('returned', 'whatsapp', 'id', {
      trackingNumber: '3271-26-ABCD-EFGH-J',
      reasons: 'Foto <KTP> & NPWP buram',
      link: 'https://berkas.example.id/permohonan/1',
      stopLink: 'https://berkas.example.id/berhenti/x',
    });
    expect(r.body).toContain('Foto <KTP> & NPWP buram');
    expect(r.template).toEqual({
      name: 'berkas_perbaikan',
      language: 'id',
      parameters: [
        '3271-26-ABCD-EFGH-J',
        'Foto <KTP> & NPWP buram',
        'https://berkas.example.id/permohonan/1',
        'https://berkas.example.id/berhenti/x',
      ],
    });
    const email = shipped.render('returned', 'email', 'en', { trackingNumber: 'T', name: 'Siti' });
    expect(email.subject).toBe('Application T needs your corrections');
    expect(email.body).toContain('Dear Siti');
  });

  it('refuse anything but {{name}}: a template can run nothing, and a WhatsApp text must match its registration', () => {
    expect(variablesOf('Halo {{name}}')).toEqual(['name']);
    expect(() => variablesOf('{{#items}}x{{/items}}')).toThrow(/only \{\{name\}\}/);
    expect(() => variablesOf('{{> partial}}')).toThrow(/only \{\{name\}\}/);
    const wording = { subject: 's', email: 'e', sms: 's', whatsapp: 'Nomor {{trackingNumber}}' };
    const template: NoticeTemplate = {
      audience: 'applicant',
      legallyRequired: false,
      whatsapp: { name: 'x', parameters: ['trackingNumber', 'link'] },
      id: wording,
      en: wording,
    };
    expect(() => NoticeTemplates.of({ x: template })).toThrow(/takes trackingNumber, link/);
  });
});
