import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './infra';
import { freePort } from './nats-server';

const root = join(__dirname, '..', '..', '..');
const script = (name: string) => join(root, 'scripts', 'stand-ins', `${name}.cjs`);

export interface ReceivedMail {
  id: string;
  envelope: { from: string | null; to: string[] };
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export interface ReceivedSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  /** Where the gateway reports this message's statuses (SmsChannel adds the message's reference). */
  statusCallback: string | null;
}

export interface PrivateMailSink {
  smtpPort: number;
  url: string;
  /** Mail received for `to` (every address when omitted), newest first. */
  messages(to?: string): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export interface PrivateSmsGateway {
  url: string;
  accountSid: string;
  authToken: string;
  /** SMS received for `to` (every number when omitted), newest first. */
  messages(to?: string): Promise<ReceivedSms[]>;
  stop(): Promise<void>;
}

async function launch(name: string, args: string[], readyUrl: string): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn(process.execPath, [script(name), ...args], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(readyUrl).catch(() => null))?.ok ?? false, 10000);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
}

/** The project's SMTP sink (scripts/stand-ins/mail-sink.cjs) on free ports, private to one test file. */
export async function startPrivateMailSink(): Promise<PrivateMailSink> {
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = await launch(
    'mail-sink',
    ['--smtp-port', String(smtpPort), '--http-port', String(httpPort)],
    `${url}/api/v1/messages`,
  );
  return {
    smtpPort,
    url,
    messages: async (to) => {
      const res = await fetch(`${url}/api/v1/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
      return ((await res.json()) as { messages: ReceivedMail[] }).messages;
    },
    stop,
  };
}

/** The project's SMS gateway stand-in (Twilio API) on a free port, private to one test file. */
export async function startPrivateSmsGateway(extra: string[] = []): Promise<PrivateSmsGateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const accountSid = 'ACtest';
  const authToken = 'test-token';
  const stop = await launch(
    'sms-gateway',
    ['--port', String(port), '--account-sid', accountSid, '--auth-token', authToken, ...extra],
    `${url}/api/v1/messages`,
  );
  return {
    url,
    accountSid,
    authToken,
    messages: async (to) => {
      const res = await fetch(`${url}/api/v1/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
      return ((await res.json()) as { messages: ReceivedSms[] }).messages;
    },
    stop,
  };
}

export interface ReceivedWhatsApp {
  id: string;
  to: string;
  type: 'template' | 'text';
  template: { name: string; language: string; parameters: string[] } | null;
  biz_opaque_callback_data: string | null;
  status: string;
}

export interface PrivateWhatsApp {
  url: string;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  /** Messages received for `to` (digits, or E.164; every number when omitted), newest first. */
  messages(to?: string): Promise<ReceivedWhatsApp[]>;
  /** Points the status webhooks at `url`. */
  webhookTo(url: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The project's WhatsApp Cloud API stand-in on a free port, private to one test file; `extra` passes
 * its options (--templates, --not-on-whatsapp, --out-of-order, --webhook-url).
 */
export async function startPrivateWhatsApp(extra: string[] = []): Promise<PrivateWhatsApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [phoneNumberId, accessToken, appSecret] = ['100000000000009', 'test-wa-token', 'test-app-secret'];
  const stop = await launch(
    'whatsapp-cloud',
    [
      ...['--port', String(port), '--phone-number-id', phoneNumberId],
      ...['--access-token', accessToken, '--app-secret', appSecret, ...extra],
    ],
    `${url}/api/v1/messages`,
  );
  return {
    url,
    phoneNumberId,
    accessToken,
    appSecret,
    messages: async (to) => {
      const res = await fetch(`${url}/api/v1/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
      return ((await res.json()) as { messages: ReceivedWhatsApp[] }).messages;
    },
    webhookTo: async (target) => {
      await fetch(`${url}/api/v1/webhook`, { method: 'PUT', body: JSON.stringify({ url: target }) });
    },
    stop,
  };
}

/** The three providers' stand-ins of one system, and the settings that point a service at them. */
export interface ProviderStandIns {
  mail: PrivateMailSink;
  sms: PrivateSmsGateway;
  whatsapp: PrivateWhatsApp;
  /** What identity (mail, SMS) and notifications (all three) are configured with; nothing for others. */
  envFor(service: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * An SMTP sink, an SMS gateway and a WhatsApp Cloud API that knows the registered templates of
 * `templatesFile`, private to one system; `whatsappOptions` passes the stand-in's options.
 */
export async function startProviderStandIns(
  templatesFile: string,
  whatsappOptions: string[] = [],
): Promise<ProviderStandIns> {
  const [mail, sms, whatsapp] = await Promise.all([
    startPrivateMailSink(),
    startPrivateSmsGateway(),
    startPrivateWhatsApp(['--templates', templatesFile, ...whatsappOptions]),
  ]);
  const mailAndSms = {
    SMTP_PORT: String(mail.smtpPort),
    SMS_API_URL: sms.url,
    SMS_ACCOUNT_SID: sms.accountSid,
    SMS_AUTH_TOKEN: sms.authToken,
  };
  return {
    mail,
    sms,
    whatsapp,
    envFor: (service) => {
      if (service === 'identity') return mailAndSms;
      if (service !== 'notifications') return {};
      return {
        ...mailAndSms,
        WHATSAPP_API_URL: whatsapp.url,
        WHATSAPP_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
        WHATSAPP_ACCESS_TOKEN: whatsapp.accessToken,
        WHATSAPP_APP_SECRET: whatsapp.appSecret,
      };
    },
    stop: async () => {
      await Promise.all([mail.stop(), sms.stop(), whatsapp.stop()]);
    },
  };
}
