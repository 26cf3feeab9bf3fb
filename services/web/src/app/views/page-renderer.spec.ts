import type { Request } from 'express';
import type { PublicView } from '@berkas/contracts';
import { keysOf, translate } from '../i18n/catalogue';
import { PageRenderer } from './page-renderer';

const requestFor = (path: string, query: Record<string, string> = {}) =>
  ({ path, query }) as unknown as Request;

describe('the message catalogues', () => {
  it('hold the same messages in Bahasa Indonesia and English', () => {
    expect(keysOf('en').sort()).toEqual(keysOf('id').sort());
    expect(keysOf('id').length).toBeGreaterThan(50);
  });

  it('fill placeholders, and show a missing key rather than nothing', () => {
    expect(translate('id', 'errors.tooMany', { seconds: 42 })).toBe(
      'Terlalu banyak permintaan. Silakan coba lagi dalam 42 detik.',
    );
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});

describe('pages rendered from templates', () => {
  const pages = new PageRenderer();
  const hostile = '<script>alert("x")</script>';
  const view: PublicView = {
    trackingNumber: '3271-26-7K4Q-X9M2-D',
    status: 'open',
    permitType: { code: 'SIP', name: { id: `Izin ${hostile}`, en: 'Practice licence' } },
    holder: { code: 'DINKES', name: `Dinas ${hostile}` },
    heldSince: '2026-11-20T03:00:00.000Z',
    dueAt: '2026-12-10',
    currentStages: [],
    awaitingApplicant: true,
    timeline: [{ at: '2026-11-20T03:00:00.000Z', label: { id: hostile, en: hostile }, agency: null }],
  };

  it('escapes whatever they print: a name, a label or a typed number never becomes markup', () => {
    const html = pages.render(requestFor('/lacak', { nomor: hostile }), 'pages/lacak', {
      number: hostile,
      view,
    });
    expect(html).not.toContain('<script>alert');
    expect(html.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/g)?.length).toBe(4);
  });

  it('speaks the reader’s language and links to the same page in the other one', () => {
    const id = pages.render(requestFor('/lacak', { nomor: 'abc' }), 'pages/lacak', { number: 'abc', view });
    expect(id).toContain('<html lang="id"');
    expect(id).toContain('Menunggu perbaikan dari pemohon');
    expect(id).toMatch(/href="\/lacak\?nomor=abc&amp;lang=en"[^>]*lang="en"/);
    const en = pages.render(requestFor('/lacak', { nomor: 'abc', lang: 'en' }), 'pages/lacak', {
      number: 'abc',
      view,
    });
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('Waiting for the applicant&#39;s corrections');
    expect(en).toMatch(/href="\/lacak\?nomor=abc"[^>]*lang="id"/);
  });

  it('carries no GOV.UK brand: no crown, no GOV.UK logotype, no GDS Transport', () => {
    const html = pages.render(requestFor('/'), 'pages/home', { number: '' });
    expect(html).not.toMatch(/govuk-logo|crown|GOV\.UK|GDS Transport/i);
    expect(html).toContain('Berkas');
  });
});
