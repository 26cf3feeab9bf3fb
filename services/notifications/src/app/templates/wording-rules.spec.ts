import { LANGUAGES, NoticeTemplates, readShipped, type Wording } from './templates';
import { knownVariables, LIMITS, problemsOf } from './wording-rules';

describe('the rules of a notice wording an operator saves', () => {
  const shipped = readShipped();
  const returned = shipped.notices['returned'];
  const examples = {
    ...shipped.examples,
    link: 'https://berkas.example.id/permohonan/5b0e9c1a-3d2f-4c8e-9a7b-1f2e3d4c5b6a',
    stopLink:
      'https://berkas.example.id/berhenti/5b0e9c1a-3d2f-4c8e-9a7b-1f2e3d4c5b6a.AAAAAAAAAAAAAAAAAAAAAA',
    preferencesLink: 'https://berkas.example.id/akun/pemberitahuan',
  };
  /** The shipped Indonesian wording of a returned file, with `change` made. */
  const wording = (change: Partial<Wording>): Wording => ({ ...returned.id, ...change });
  const problems = (change: Partial<Wording>) => problemsOf(returned, wording(change), examples);

  it('hold for every shipped wording, and each has an example for every variable it may use', () => {
    // English examples only replace Indonesian ones (a name or a date in English), never add one.
    expect(Object.keys(shipped.examplesInEnglish).filter((v) => !(v in shipped.examples))).toEqual([]);
    for (const [kind, t] of Object.entries(shipped.notices))
      for (const lang of LANGUAGES) {
        const inLanguage = lang === 'en' ? { ...examples, ...shipped.examplesInEnglish } : examples;
        expect({ kind, lang, problems: problemsOf(t, t[lang], inLanguage) }).toEqual({
          kind,
          lang,
          problems: [],
        });
        for (const v of knownVariables(t))
          expect({ kind, v, example: typeof examples[v] }).toEqual({ kind, v, example: 'string' });
      }
  });

  it('allow the variables its shipped wording uses, in any language or channel, and the three every message has', () => {
    expect(knownVariables(returned).sort()).toEqual(
      [
        'fixList',
        'link',
        'name',
        'permitType',
        'preferencesLink',
        'reasons',
        'stopLink',
        'trackingNumber',
      ].sort(),
    );
  });

  it('take another wording that keeps to them', () => {
    expect(
      problems({
        sms: 'Berkas {{trackingNumber}}: mohon perbaiki ({{fixList}}). {{link}} Stop: {{stopLink}}',
        subject: 'Perbaiki {{ trackingNumber }}',
      }),
    ).toEqual([]);
  });

  it.each([
    [
      'a section',
      { sms: '{{#reasons}}x{{/reasons}} {{stopLink}}' },
      'sms',
      'uses {{#reasons}}, a section: only {{name}} is allowed',
    ],
    [
      'an inverted section',
      { email: '{{^name}}Bapak/Ibu{{/name}} {{preferencesLink}}' },
      'email',
      'uses {{^name}}, an inverted section: only {{name}} is allowed',
    ],
    [
      'a partial',
      { email: '{{> footer}} {{preferencesLink}}' },
      'email',
      'uses {{>footer}}, a partial: only {{name}} is allowed',
    ],
    [
      'a comment',
      { subject: 'Berkas {{! catatan }}{{trackingNumber}}' },
      'subject',
      'uses {{!catatan}}, a comment: only {{name}} is allowed',
    ],
    [
      'unescaped output',
      { subject: '{{{trackingNumber}}}' },
      'subject',
      'uses {{{trackingNumber}}}, unescaped output: only {{name}} is allowed',
    ],
    [
      'unescaped output with &',
      { subject: '{{&trackingNumber}}' },
      'subject',
      'uses {{{trackingNumber}}}, unescaped output: only {{name}} is allowed',
    ],
    [
      'a change of delimiters',
      { subject: '{{=<% %>=}}<%trackingNumber%>' },
      'subject',
      'uses {{=<% %>=}}, a change of delimiters: only {{name}} is allowed',
    ],
    [
      'a tag left open',
      { sms: '{{stopLink}} Berkas {{trackingNumber' },
      'sms',
      expect.stringMatching(/^is not a valid template: /),
    ],
    [
      'a section left open',
      { sms: '{{#reasons}} {{stopLink}}' },
      'sms',
      expect.stringMatching(/^is not a valid template: Unclosed section/),
    ],
    ['nothing but spaces', { email: '   ' }, 'email', 'is empty'],
    [
      'a subject of two lines',
      { subject: 'Berkas {{trackingNumber}}\nBcc: x@example.com' },
      'subject',
      'must be one line',
    ],
  ])('refuse %s, naming the field', (_what, change, field, message) => {
    expect(problems(change as Partial<Wording>)).toContainEqual({ field, message });
  });

  it('refuse a variable the notice does not have, saying which it has', () => {
    expect(problems({ email: 'Nomor izin {{permitNumber}} {{preferencesLink}}' })).toEqual([
      {
        field: 'email',
        message: expect.stringMatching(
          /^uses \{\{permitNumber\}\}, which this notice does not have; it may use .*\{\{fixList\}\}/,
        ),
      },
    ]);
    expect(problems({ sms: '{{.}} {{stopLink}}' })[0]).toMatchObject({
      field: 'sms',
      message: expect.stringMatching(/^uses \{\{\.\}\}/),
    });
  });

  it('refuse an SMS or a WhatsApp text without the link that stops it, an email without the link to the preferences', () => {
    expect(problems({ sms: 'Berkas {{trackingNumber}} dikembalikan. {{link}}' })).toEqual([
      { field: 'sms', message: 'must keep {{stopLink}}' },
    ]);
    expect(problems({ email: 'Yth. {{name}}, perbaiki di {{link}}' })).toEqual([
      { field: 'email', message: 'must keep {{preferencesLink}}' },
    ]);
    expect(problems({ whatsapp: 'Permohonan {{trackingNumber}}: {{reasons}} {{link}}' })).toEqual([
      { field: 'whatsapp', message: 'must keep {{stopLink}}' },
      {
        field: 'whatsapp',
        message:
          'must use exactly the parameters of its registered template berkas_perbaikan: {{trackingNumber}}, {{reasons}}, {{link}}, {{stopLink}}',
      },
    ]);
  });

  it('refuse a WhatsApp text with a variable its registered template does not take, though the notice has it', () => {
    expect(
      problems({ whatsapp: 'Yth. {{name}}, {{trackingNumber}}: {{reasons}} {{link}} Stop: {{stopLink}}' }),
    ).toEqual([
      {
        field: 'whatsapp',
        message: expect.stringMatching(
          /^must use exactly the parameters of its registered template berkas_perbaikan/,
        ),
      },
    ]);
  });

  it('refuse a text too long once filled in with the examples', () => {
    const long = (n: number) => 'x'.repeat(n);
    expect(problems({ subject: `{{trackingNumber}} ${long(LIMITS.subject)}` })).toEqual([
      {
        field: 'subject',
        message: expect.stringMatching(/^is 220 characters once filled in with the examples; at most 200$/),
      },
    ]);
    expect(problems({ sms: `${long(LIMITS.sms - 50)} {{stopLink}}` })[0]).toMatchObject({
      field: 'sms',
      message: expect.stringMatching(/characters once filled in with the examples; at most 480$/),
    });
    expect(problems({ sms: `${long(LIMITS.sms - examples.stopLink.length - 1)} {{stopLink}}` })).toEqual([]);
    expect(
      problems({ whatsapp: `${long(1000)} {{trackingNumber}} {{reasons}} {{link}} {{stopLink}}` })[0],
    ).toMatchObject({ field: 'whatsapp', message: expect.stringMatching(/at most 1024$/) });
  });

  it('render with the stored version it was made from, and none for the shipped wording', () => {
    const versions = new Map([['returned/id', 7]]);
    const book = NoticeTemplates.of(shipped.notices, versions);
    expect(book.render('returned', 'sms', 'id', examples).templateVersion).toBe(7);
    expect(book.render('returned', 'sms', 'en', examples).templateVersion).toBeNull();
  });
});
