import type { Request } from 'express';
import { PageRenderer } from '../views/page-renderer';
import { consentWords, postedPreferences, preferencesChange, stopToken } from './preferences-form';

describe('where a consent stands, in words', () => {
  it('says when and how it was given or withdrawn, or that it never was', () => {
    expect(consentWords({ given: false, at: null, how: null }, 'id')).toBe('Belum pernah Anda berikan.');
    expect(consentWords({ given: true, at: '2026-05-12T03:05:00.000Z', how: 'account' }, 'id')).toMatch(
      /^Diberikan pada 12 Mei 2026.*10[.:]05, di halaman akun Anda\.$/,
    );
    expect(consentWords({ given: false, at: '2026-05-12T03:05:00.000Z', how: 'message-link' }, 'en')).toMatch(
      /^Withdrawn on 12 May 2026.*10:05, from a message link\.$/,
    );
    expect(consentWords({ given: false, at: '2026-05-12T03:05:00.000Z', how: 'account' }, 'id')).toMatch(
      /^Ditarik pada .*, di halaman akun Anda\.$/,
    );
  });
});

describe('the preferences form as posted', () => {
  type Holding = Record<'whatsapp' | 'sms', { given: boolean }>;
  const change = (body: Record<string, unknown>, isStaff = false, current?: Holding) => {
    const posted = postedPreferences(body, isStaff);
    if (!posted.ok) throw new Error('refused');
    return preferencesChange(posted, current);
  };

  it('changes a consent only where its box was changed from what the page showed', () => {
    // WhatsApp ticked, SMS left unticked as shown: WhatsApp given, SMS not recorded as withdrawn.
    expect(change({ saluran: 'whatsapp', bahasa: 'id', 'semula-whatsapp': '0', 'semula-sms': '0' })).toEqual({
      language: 'id',
      whatsapp: true,
    });
    // Unticked what was given: withdrawn; the other, still ticked as shown, is left alone.
    expect(
      change({ saluran: ['sms', 'fax'], bahasa: 'en', 'semula-whatsapp': '1', 'semula-sms': '1' }),
    ).toEqual({ language: 'en', whatsapp: false });
    // Nothing changed: only the language goes.
    expect(change({ bahasa: 'id', 'semula-whatsapp': '0', 'semula-sms': '0' })).toEqual({ language: 'id' });
  });

  it('leaves a consent withdrawn elsewhere alone when a page opened before it is saved unchanged', () => {
    // The page showed WhatsApp given; she withdrew it from a message's link since; saving keeps it withdrawn.
    const now = { whatsapp: { given: false }, sms: { given: false } };
    expect(
      change({ saluran: 'whatsapp', bahasa: 'id', 'semula-whatsapp': '1', 'semula-sms': '0' }, false, now),
    ).toEqual({ language: 'id' });
  });

  it('compares with what holds now when the form did not say what it showed', () => {
    const now = { whatsapp: { given: true }, sms: { given: false } };
    expect(change({ saluran: 'sms', bahasa: 'id' }, false, now)).toEqual({
      language: 'id',
      whatsapp: false,
      sms: true,
    });
    expect(change({ saluran: 'whatsapp', bahasa: 'id' }, false, now)).toEqual({ language: 'id' });
  });

  it('sends the digest for officers only, whatever an applicant’s post carries', () => {
    const shown = { 'semula-whatsapp': '0', 'semula-sms': '0' };
    expect(change({ bahasa: 'id', ringkasan: 'ya', ...shown }, true)).toEqual({
      language: 'id',
      digest: true,
    });
    expect(change({ bahasa: 'id', ...shown }, true)).toEqual({ language: 'id', digest: false });
    expect(change({ bahasa: 'id', ringkasan: 'ya', ...shown }, false)).toEqual({ language: 'id' });
  });

  it('asks for the language when none came, keeping what was ticked', () => {
    expect(postedPreferences({ saluran: 'sms', bahasa: 'fr' }, false)).toEqual({
      ok: false,
      errors: { bahasa: 'preferences.languageMissing' },
      typed: { consents: ['sms'], digest: false },
    });
  });
});

describe('a stop link’s token', () => {
  it('is taken in the shape Berkas writes it; anything else is refused before the API is asked', () => {
    const token = '0b6f3a52-4c1e-4d7a-9a3e-8c2f1d0e5b7a.AbCdEfGhIjKlMnOpQrStUv';
    expect(stopToken(token)).toBe(token);
    for (const bad of ['short', 'a'.repeat(201), '../../etc/passwd', 'abc def ghi jkl', 'x<script>x1234', 42])
      expect(stopToken(bad)).toBeNull();
  });
});

describe('the notification pages', () => {
  const pages = new PageRenderer();
  const requestFor = (path: string, query: Record<string, string> = {}) =>
    ({ path, query, session: {} }) as unknown as Request;

  it('explain a stop link before anything stops, with one button that posts', () => {
    const html = pages.render(requestFor('/berhenti/t'), 'pages/stop-link', {
      token: 'abc.def-ghi_jkl',
      preferencesPath: '/akun/pemberitahuan',
    });
    expect(html).toContain('<form method="post" action="/berhenti/abc.def-ghi_jkl"');
    expect(html).toContain('Berhenti menerima pesan ini');
    expect(html).toContain('tetap dikirim kepada Anda lewat SMS atau email');
  });

  it('say what stopped, to which masked number', () => {
    const html = pages.render(requestFor('/berhenti/t', { lang: 'en' }), 'pages/stop-link', {
      withdrawn: { channel: 'whatsapp', address: '+62813****4455' },
      preferencesPath: '/akun/pemberitahuan',
    });
    expect(html).toContain('You will no longer get WhatsApp messages at +62813****4455.');
    expect(html).toContain('href="/akun/pemberitahuan?lang=en"');
  });

  it('show the officer’s digest only to officers', () => {
    const vars = {
      email: 'rina@bogorkota.go.id',
      phone: null,
      consents: [
        { channel: 'whatsapp', checked: false, was: false, state: 'Belum pernah Anda berikan.' },
        { channel: 'sms', checked: true, was: true, state: 'Diberikan pada …' },
      ],
      language: 'id',
      digest: true,
    };
    const officer = pages.render(requestFor('/akun/pemberitahuan'), 'pages/notification-preferences', {
      ...vars,
      isStaff: true,
    });
    expect(officer).toContain('name="ringkasan"');
    expect(officer).toContain('id="no-phone"');
    const applicant = pages.render(requestFor('/akun/pemberitahuan'), 'pages/notification-preferences', {
      ...vars,
      isStaff: false,
    });
    expect(applicant).not.toContain('name="ringkasan"');
    expect(applicant).toMatch(/value="sms" checked/);
    // What the page showed goes back with the form, so only a changed box changes a consent.
    expect(applicant).toContain('name="semula-whatsapp" value="0"');
    expect(applicant).toContain('name="semula-sms" value="1"');
    expect(applicant).toContain('diwajibkan peraturan');
  });
});
