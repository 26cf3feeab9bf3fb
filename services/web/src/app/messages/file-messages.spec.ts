import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { ApiProblem, type ApiClient } from '../api/api-client';
import { PageRenderer } from '../views/page-renderer';
import {
  addressPieces,
  FileMessagesReader,
  messageRows,
  noticeWords,
  reasonWords,
  type FileMessage,
} from './file-messages';

const message = (over: Partial<FileMessage> & Pick<FileMessage, 'id'>): FileMessage => ({
  notice: 'submitted',
  channel: 'email',
  recipient: { name: 'Nur Hidayah', address: 'n***@warga.example.id', kind: 'applicant' },
  status: 'delivered',
  reason: null,
  createdAt: '2026-05-12T03:00:00.000Z',
  updatedAt: '2026-05-12T03:00:02.000Z',
  fallbackFor: null,
  ...over,
});

describe("a file's messages in words", () => {
  it('lists them newest first, each notice, channel and status in the reader’s language', () => {
    const items = [
      message({ id: 'a', createdAt: '2026-05-12T03:00:00.000Z' }),
      message({ id: 'b', notice: 'returned', channel: 'sms', createdAt: '2026-05-13T03:00:00.000Z' }),
    ];
    const id = messageRows(items, 'id', false);
    expect(id.map((r) => r.id)).toEqual(['b', 'a']);
    expect(id[0]).toMatchObject({
      what: 'Dikembalikan untuk perbaikan',
      channel: 'SMS',
      status: { text: 'Terkirim', classes: 'govuk-tag--green' },
      to: { name: 'Nur Hidayah', address: 'n***@warga.example.id', kind: null },
      reason: null,
      replaces: null,
    });
    const en = messageRows(items, 'en', false);
    expect(en[1]).toMatchObject({
      what: 'Application received',
      channel: 'Email',
      status: { text: 'Delivered' },
    });
  });

  it('keeps the API’s order for messages written at the same moment', () => {
    const at = '2026-05-12T03:00:00.000Z';
    const rows = messageRows(
      [message({ id: 'x', createdAt: at }), message({ id: 'y', createdAt: at })],
      'id',
      false,
    );
    expect(rows.map((r) => r.id)).toEqual(['x', 'y']);
  });

  it('says every status plainly, with a tag colour each', () => {
    const statuses = ['queued', 'sent', 'delivered', 'read', 'failed', 'dead', 'skipped'] as const;
    const rows = messageRows(
      statuses.map((status, i) => message({ id: status, status, createdAt: `2026-05-1${i}T00:00:00Z` })),
      'id',
      false,
    ).reverse();
    expect(rows.map((r) => r.status.text)).toEqual([
      'Dalam antrean',
      'Dikirim ke operator',
      'Terkirim',
      'Dibaca',
      'Gagal',
      'Gagal setelah beberapa kali dicoba',
      'Tidak dikirim',
    ]);
    expect(rows.map((r) => r.status.classes)).toEqual([
      'govuk-tag--grey',
      '',
      'govuk-tag--green',
      'govuk-tag--teal',
      'govuk-tag--red',
      'govuk-tag--red',
      'govuk-tag--grey',
    ]);
  });

  it('says why a message failed or was not sent, and which failed message a fallback replaces', () => {
    const failed = message({
      id: 'wa',
      channel: 'whatsapp',
      status: 'failed',
      reason: '131026: Message undeliverable',
      recipient: { name: 'Eko', address: '+62899****5678', kind: 'applicant' },
    });
    const fallback = message({
      id: 'sms',
      channel: 'sms',
      fallbackFor: 'wa',
      createdAt: '2026-05-12T03:00:05.000Z',
    });
    const skipped = message({
      id: 'skip',
      channel: 'whatsapp',
      status: 'skipped',
      reason: 'no consent to WhatsApp messages',
      createdAt: '2026-05-11T03:00:00.000Z',
    });
    const [sms, wa, skip] = messageRows([fallback, failed, skipped], 'id', false);
    expect(wa.reason).toBe('Alasan: nomor ini tidak terdaftar di WhatsApp');
    expect(sms.replaces).toBe('Menggantikan pesan WhatsApp yang gagal');
    expect(skip.reason).toBe('Alasan: belum ada persetujuan untuk WhatsApp');
    const [smsEn] = messageRows([fallback, failed], 'en', false);
    expect(smsEn.replaces).toBe('Replaces the WhatsApp message that failed');
    // The message it replaces may be beyond the list's end: still said, without its channel.
    expect(messageRows([fallback], 'id', false)[0].replaces).toBe('Menggantikan pesan yang gagal');
  });

  it('shows a reason it has no words for as the service gave it, and a retry as such', () => {
    expect(reasonWords('SMTP 550 mailbox unavailable', 'id')).toBe('SMTP 550 mailbox unavailable');
    expect(reasonWords('no email or phone on record', 'en')).toBe('no email or phone on record');
    expect(reasonWords('no email or phone on record', 'id')).toBe(
      'tidak ada email atau nomor HP yang tercatat',
    );
    const [retry] = messageRows([message({ id: 'q', status: 'queued', reason: 'timeout' })], 'id', false);
    expect(retry.reason).toBe('Akan dicoba lagi (timeout)');
    // A delivered message keeps no reason on the page, whatever an earlier try left.
    const [ok] = messageRows([message({ id: 'd', status: 'delivered', reason: 'timeout' })], 'id', false);
    expect(ok.reason).toBeNull();
  });

  it('names every notice the service sends, and one it does not know yet by its code', () => {
    for (const notice of [
      'submitted',
      'complete',
      'returned',
      'correction-reminder',
      'bill-issued',
      'issued',
      'rejected',
      'withdrawn',
      'task-queued',
      'task-due',
      'task-escalated',
      'dossier-sent',
      'handoff-refused',
      'digest',
    ])
      for (const lang of ['id', 'en'] as const) expect(noticeWords(notice, lang)).not.toMatch(/^messages\./);
    expect(noticeWords('permit-revoked', 'id')).toBe('Pemberitahuan lain (permit-revoked)');
  });

  it('breaks a masked email only after its @ and the dots of its domain, a phone number nowhere', () => {
    expect(addressPieces('r***@dpmptsp.bogorkota.go.id')).toEqual([
      'r***@',
      'dpmptsp.',
      'bogorkota.',
      'go.',
      'id',
    ]);
    expect(addressPieces('+62813****4455')).toEqual(['+62813****4455']);
    expect(addressPieces('-')).toEqual(['-']);
  });

  it('tells officers whom each message went to', () => {
    const rows = messageRows(
      [
        message({ id: 'a' }),
        message({ id: 'b', recipient: { name: 'Rina', address: 'r***@bogorkota.go.id', kind: 'staff' } }),
      ],
      'id',
      true,
    );
    expect(rows.map((r) => r.to.kind)).toEqual(['pemohon', 'petugas']);
  });
});

describe('the messages section of a file page', () => {
  const pages = new PageRenderer();
  const req = { path: '/permohonan/x/status', query: {} } as unknown as Request;
  const render = (vars: Record<string, unknown>) => pages.render(req, 'partials/file-messages', vars);

  it('is left out when the notifications service did not answer, and says so when nothing was sent', () => {
    expect(render({ messages: null }).trim()).toBe('');
    const empty = render({ messages: [] });
    expect(empty).toContain('Pemberitahuan terkirim');
    expect(empty).toContain('Belum ada pemberitahuan tentang berkas ini.');
  });

  it('prints names as text, never markup', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const html = render({
      messages: messageRows(
        [message({ id: 'h', recipient: { name: hostile, address: hostile, kind: 'applicant' } })],
        'id',
        false,
      ),
      forStaff: false,
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('href="/akun/pemberitahuan"');
  });
});

describe("reading a file's messages for its page", () => {
  const req = {} as Request;
  const reader = (get: jest.Mock) => new FileMessagesReader({ get } as unknown as ApiClient);

  it('asks the API as the person reading the page', async () => {
    const get = jest.fn().mockResolvedValue({ items: [message({ id: 'a' })] });
    await expect(reader(get).forFile(req, 'token', 'app-1')).resolves.toHaveLength(1);
    expect(get).toHaveBeenCalledWith(req, '/applications/app-1/messages', 'token');
  });

  it('answers none (the page goes on without the section) and logs it when the API fails', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    for (const failure of [
      new ApiProblem(503, 'SERVICE_UNAVAILABLE', 'The API did not answer'),
      new ApiProblem(404, 'NOT_FOUND', 'No such application'),
      new Error('socket hang up'),
    ]) {
      const get = jest.fn().mockRejectedValue(failure);
      await expect(reader(get).forFile(req, 'token', 'app-1')).resolves.toBeNull();
    }
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[0][0]).toMatchObject({ applicationId: 'app-1', status: 503 });
    warn.mockRestore();
  });
});
