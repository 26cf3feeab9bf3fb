import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhatsAppEnv } from '@berkas/config';
import { freePort, startPrivateWhatsApp, type PrivateWhatsApp } from '@berkas/testing';
import { ReportRefused, WhatsAppChannel, whatsAppReports } from './index';

/** A webhook receiver as the notifications service will be: keeps each POST's raw body and signature. */
async function startReceiver(failFirst = 0) {
  const posts: Array<{ raw: Buffer; signature: string | undefined }> = [];
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (refused < failFirst) {
        refused++;
        res.writeHead(503).end();
        return;
      }
      posts.push({ raw: Buffer.concat(chunks), signature: req.headers['x-hub-signature-256'] as string });
      res.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    posts,
    refusedSoFar: () => refused,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// The WhatsApp channel against the project's Cloud API stand-in, and the status webhooks it sends
// back: signed, retried while refused, and (as Meta warns) not always in order.
describe('WhatsApp through the Cloud API', () => {
  let wa: PrivateWhatsApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-templates-'));
    const templates = join(dir, 'templates.json');
    writeFileSync(
      templates,
      JSON.stringify([{ name: 'berkas_dikembalikan', language: 'id', parameters: 2 }]),
    );
    // The receiver refuses its first two posts: the stand-in must try again, as Meta does.
    receiver = await startReceiver(2);
    wa = await startPrivateWhatsApp([
      ...['--templates', templates, '--not-on-whatsapp', '+62899', '--out-of-order'],
      ...['--webhook-url', receiver.url],
    ]);
  });
  afterAll(async () => {
    await Promise.all([wa?.stop(), receiver?.stop()]);
  });

  const env = (extra: Partial<WhatsAppEnv> = {}) =>
    Object.assign(new WhatsAppEnv(), {
      apiUrl: wa.url,
      phoneNumberId: wa.phoneNumberId,
      accessToken: wa.accessToken,
      appSecret: wa.appSecret,
      ...extra,
    });
  const returned = (to: string, reference: string) => ({
    channel: 'whatsapp' as const,
    to,
    text: 'Permohonan 3271-26-W7AZ-JTMR-P dikembalikan: KTP buram.',
    template: {
      name: 'berkas_dikembalikan',
      language: 'id',
      parameters: ['3271-26-W7AZ-JTMR-P', 'KTP buram'],
    },
    reference,
  });
  /** Reads what the receiver has been sent so far, as the service would. */
  const reported = () => receiver.posts.flatMap((p) => whatsAppReports(p.raw, p.signature, wa.appSecret));
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(check()).toBe(true);
  };

  it('sends an approved template with its parameters; the webhooks report it delivered, signed and with its reference', async () => {
    const reference = randomUUID();
    const accepted = await new WhatsAppChannel(env()).send(returned('+6281234567890', reference));
    expect(accepted.providerId).toMatch(/^wamid\./);
    const [received] = await wa.messages('+6281234567890');
    expect(received).toMatchObject({
      id: accepted.providerId,
      to: '6281234567890',
      template: {
        name: 'berkas_dikembalikan',
        language: 'id',
        parameters: ['3271-26-W7AZ-JTMR-P', 'KTP buram'],
      },
      biz_opaque_callback_data: reference,
    });
    const mine = () => reported().filter((r) => r.reference === reference);
    await until(() => mine().length === 2);
    // Refused twice at first, the reports still came: nothing the provider says is lost.
    expect(receiver.refusedSoFar()).toBe(2);
    // Out of order, as Meta warns: "delivered" may come before "sent". Whoever reads them keeps the furthest.
    expect(mine().map((r) => r.status)).toEqual(['delivered', 'sent']);
    expect(mine()[0]).toMatchObject({ channel: 'whatsapp', providerId: accepted.providerId, error: null });
  });

  it('hears by webhook that a number has no WhatsApp, with the reason to fall back to SMS', async () => {
    const reference = randomUUID();
    await new WhatsAppChannel(env()).send(returned('+628991234567', reference));
    await until(() => reported().some((r) => r.reference === reference));
    expect(reported().find((r) => r.reference === reference)).toMatchObject({
      status: 'failed',
      error: { code: '131026', reason: 'Message undeliverable' },
    });
  });

  it('tells refusals for good (no such template, wrong parameters, a bad token) from passing trouble', async () => {
    const channel = new WhatsAppChannel(env());
    const unknown = await channel
      .send({
        ...returned('+6281234567890', 'r'),
        template: { name: 'nope', language: 'id', parameters: [] },
      })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ permanent: true, message: expect.stringMatching(/132001/) });
    const english = await channel
      .send({
        ...returned('+6281234567890', 'r'),
        template: { ...returned('', '').template, language: 'en' },
      })
      .catch((e: unknown) => e);
    expect(english).toMatchObject({ permanent: true, message: expect.stringMatching(/132001/) });
    const short = await channel
      .send({
        ...returned('+6281234567890', 'r'),
        template: { name: 'berkas_dikembalikan', language: 'id', parameters: ['only one'] },
      })
      .catch((e: unknown) => e);
    expect(short).toMatchObject({ permanent: true, message: expect.stringMatching(/132000/) });
    const token = await new WhatsAppChannel(env({ accessToken: 'expired' }))
      .send(returned('+6281234567890', 'r'))
      .catch((e: unknown) => e);
    expect(token).toMatchObject({ permanent: true, message: expect.stringMatching(/401: 190/) });
    const down = await new WhatsAppChannel(env({ apiUrl: `http://127.0.0.1:${await freePort()}` }))
      .send(returned('+6281234567890', 'r'))
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ permanent: false });
    // Nothing refused reached the stand-in's list.
    expect((await wa.messages()).every((m) => m.template?.name === 'berkas_dikembalikan')).toBe(true);
  });

  it('refuses a webhook the app secret did not sign, or one not in the documented shape', () => {
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));
    expect(() => whatsAppReports(body, 'sha256=00', wa.appSecret)).toThrow(ReportRefused);
    expect(() => whatsAppReports(body, undefined, wa.appSecret)).toThrow(/X-Hub-Signature-256/);
    // A genuine post checked with another app's secret is not ours to believe.
    const genuine = receiver.posts[0];
    expect(() => whatsAppReports(genuine.raw, genuine.signature, 'another secret')).toThrow(
      expect.objectContaining({ forged: true }),
    );
    const sign = (raw: Buffer) => `sha256=${createHmac('sha256', wa.appSecret).update(raw).digest('hex')}`;
    const notJson = Buffer.from('status=delivered');
    expect(() => whatsAppReports(notJson, sign(notJson), wa.appSecret)).toThrow(
      expect.objectContaining({ forged: false, message: 'the body is not JSON' }),
    );
    const other = Buffer.from(JSON.stringify({ object: 'page', entry: [] }));
    expect(() => whatsAppReports(other, sign(other), wa.appSecret)).toThrow(/whatsapp_business_account/);
  });
});
