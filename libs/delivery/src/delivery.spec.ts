import { randomUUID } from 'node:crypto';
import { MailEnv, SmsEnv } from '@berkas/config';
import {
  freePort,
  startPrivateMailSink,
  startPrivateSmsGateway,
  type PrivateMailSink,
  type PrivateSmsGateway,
} from '@berkas/testing';
import { createServer } from 'node:http';
import {
  DeliveryError,
  EmailChannel,
  ReportRefused,
  SmsChannel,
  twilioReport,
  type DeliveryReport,
} from './index';

// The channels against the project's real local servers: an SMTP server and a Twilio-API gateway.
describe('delivery channels', () => {
  let mail: PrivateMailSink;
  let sms: PrivateSmsGateway;

  beforeAll(async () => {
    [mail, sms] = await Promise.all([
      startPrivateMailSink(),
      startPrivateSmsGateway(['--undeliverable', '+62899']),
    ]);
  });
  afterAll(async () => {
    await Promise.all([mail?.stop(), sms?.stop()]);
  });

  const mailEnv = (port: number) => Object.assign(new MailEnv(), { port });
  const smsEnv = (extra: Partial<SmsEnv> = {}) =>
    Object.assign(new SmsEnv(), {
      apiUrl: sms.url,
      accountSid: sms.accountSid,
      authToken: sms.authToken,
      ...extra,
    });

  it('sends email over SMTP, in the words given, recognisable by its reference', async () => {
    const reference = randomUUID();
    const accepted = await new EmailChannel(mailEnv(mail.smtpPort)).send({
      channel: 'email',
      to: 'siti@warga.example.id',
      subject: 'Kode verifikasi Berkas',
      text: 'Kode Anda: 482913',
      reference,
    });
    expect(accepted.providerId).toBe(`<${reference}@berkas>`);
    const [received] = await mail.messages('siti@warga.example.id');
    expect(received).toMatchObject({
      subject: 'Kode verifikasi Berkas',
      headers: { 'x-berkas-reference': reference },
    });
    expect(received.text.trim()).toBe('Kode Anda: 482913');
  });

  it('says an unreachable mail server may be tried again', async () => {
    const error = await new EmailChannel(mailEnv(await freePort()))
      .send({ channel: 'email', to: 'a@b.id', subject: 's', text: 't', reference: randomUUID() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(false);
  });

  it('sends SMS through the gateway’s Messages API, and tells refusals for good from passing trouble', async () => {
    const channel = new SmsChannel(smsEnv());
    const accepted = await channel.send({
      channel: 'sms',
      to: '+6281234567890',
      text: 'Kode: 482913',
      reference: 'r',
    });
    expect(accepted.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    expect((await sms.messages('+6281234567890'))[0]).toMatchObject({ body: 'Kode: 482913', from: 'BERKAS' });

    const badNumber = await channel
      .send({ channel: 'sms', to: '0812', text: 'x', reference: 'r' })
      .catch((e) => e);
    expect(badNumber).toMatchObject({ permanent: true, message: expect.stringMatching(/21211/) });
    const wrongToken = await new SmsChannel(smsEnv({ authToken: 'nope' }))
      .send({ channel: 'sms', to: '+6281234567890', text: 'x', reference: 'r' })
      .catch((e) => e);
    expect(wrongToken).toMatchObject({ permanent: true, message: expect.stringMatching(/401/) });
    const down = await new SmsChannel(smsEnv({ apiUrl: `http://127.0.0.1:${await freePort()}` }))
      .send({ channel: 'sms', to: '+6281234567890', text: 'x', reference: 'r' })
      .catch((e) => e);
    expect(down).toMatchObject({ permanent: false });
  });

  it("hears each SMS's delivery from the gateway's signed status callbacks, a failure with its reason", async () => {
    const callbacks: Array<{ url: string; params: Record<string, string>; signature: string | undefined }> =
      [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        callbacks.push({
          url: `http://127.0.0.1:${port}${req.url}`,
          params: Object.fromEntries(new URLSearchParams(body)),
          signature: req.headers['x-twilio-signature'] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const statusCallback = `http://127.0.0.1:${port}/webhooks/sms?channel=sms`;
    try {
      const channel = new SmsChannel(smsEnv(), { statusCallback });
      const good = await channel.send({
        channel: 'sms',
        to: '+6281200001111',
        text: 'Izin terbit',
        reference: 'a',
      });
      const bad = await channel.send({
        channel: 'sms',
        to: '+628991234567',
        text: 'Izin terbit',
        reference: 'b',
      });
      const reports = (): DeliveryReport[] =>
        callbacks.flatMap((c) => twilioReport(c.url, c.params, c.signature, sms.authToken) ?? []);
      for (let i = 0; i < 50 && reports().length < 4; i++) await new Promise((r) => setTimeout(r, 100));
      const of = (id: string) => reports().filter((r) => r.providerId === id);
      // Each callback names its message: a report may arrive before the send's answer is stored.
      expect(of(good.providerId).map((r) => r.reference)).toEqual(['a', 'a']);
      expect(of(good.providerId).map((r) => [r.status, r.error])).toEqual([
        ['sent', null],
        ['delivered', null],
      ]);
      expect(of(bad.providerId).map((r) => [r.status, r.error])).toEqual([
        ['sent', null],
        ['failed', { code: '30003', reason: 'undelivered' }],
      ]);
      // Signed for another URL, or with another token, a callback is not the gateway's.
      const [first] = callbacks;
      expect(() => twilioReport(`${first.url}&x=1`, first.params, first.signature, sms.authToken)).toThrow(
        ReportRefused,
      );
      expect(() => twilioReport(first.url, first.params, first.signature, 'other-token')).toThrow(
        expect.objectContaining({ forged: true }),
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
