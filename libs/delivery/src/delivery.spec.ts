import { randomUUID } from 'node:crypto';
import { MailEnv, SmsEnv } from '@berkas/config';
import {
  freePort,
  startPrivateMailSink,
  startPrivateSmsGateway,
  type PrivateMailSink,
  type PrivateSmsGateway,
} from '@berkas/testing';
import { DeliveryError, EmailChannel, SmsChannel } from './index';

// The channels against the project's real local servers: an SMTP server and a Twilio-API gateway.
describe('delivery channels', () => {
  let mail: PrivateMailSink;
  let sms: PrivateSmsGateway;

  beforeAll(async () => {
    [mail, sms] = await Promise.all([startPrivateMailSink(), startPrivateSmsGateway()]);
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
});
