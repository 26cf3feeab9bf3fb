#!/usr/bin/env node
// A local SMS gateway for development and tests that speaks Twilio's Programmable Messaging API as
// documented (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic with the
// account SID and auth token; delivery reports to StatusCallback, signed with X-Twilio-Signature),
// so the services send SMS exactly as they would to a real provider.
//   node scripts/stand-ins/sms-gateway.cjs --port 8026 --account-sid ACdev --auth-token dev-token
//     [--undeliverable +62899]   numbers with this prefix are reported failed (error 30003)
// It also shows what it received: GET /api/v1/messages[?to=+62…] (newest first).
const { createServer } = require('node:http');
const { createHmac, randomBytes } = require('node:crypto');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', 8026));
const host = option('host', '127.0.0.1');
const accountSid = option('account-sid', 'ACdev');
const authToken = option('auth-token', 'dev-token');
const undeliverable = option('undeliverable', null);

const messages = [];
const E164 = /^\+[1-9]\d{7,14}$/;

/** Twilio's request signature: HMAC-SHA1 of the URL followed by each POST parameter name and value, sorted. */
function signature(url, params) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

async function report(message, status, errorCode) {
  if (!message.statusCallback) return;
  const params = {
    AccountSid: accountSid,
    MessageSid: message.sid,
    MessageStatus: status,
    SmsSid: message.sid,
    SmsStatus: status,
    To: message.to,
    From: message.from,
    ApiVersion: '2010-04-01',
    ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
  };
  try {
    await fetch(message.statusCallback, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature(message.statusCallback, params),
      },
      body: new URLSearchParams(params),
    });
  } catch {
    /* the callback receiver is down: Twilio does not retry either */
  }
}

function twilioError(res, status, code, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://sms');
  if (req.method === 'GET' && url.pathname === '/api/v1/messages') {
    const to = url.searchParams.get('to');
    const list = messages.filter((m) => !to || m.to === to).reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ total: list.length, messages: list }));
  }
  const send = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
  if (req.method !== 'POST' || !send)
    return twilioError(res, 404, 20404, 'The requested resource was not found');
  const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  if (send[1] !== accountSid || req.headers.authorization !== expected)
    return twilioError(res, 401, 20003, 'Authenticate');
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const form = Object.fromEntries(new URLSearchParams(body));
    if (!form.To || !E164.test(form.To))
      return twilioError(res, 400, 21211, `The 'To' number ${form.To ?? ''} is not a valid phone number.`);
    if (!form.From && !form.MessagingServiceSid)
      return twilioError(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
    if (!form.Body) return twilioError(res, 400, 21602, 'Message body is required.');
    const now = new Date();
    const message = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      account_sid: accountSid,
      to: form.To,
      from: form.From ?? form.MessagingServiceSid,
      body: form.Body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: String(Math.ceil(form.Body.length / 153) || 1),
      api_version: '2010-04-01',
      date_created: now.toUTCString(),
      date_updated: now.toUTCString(),
      date_sent: null,
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${''}.json`,
      statusCallback: form.StatusCallback ?? null,
    };
    message.uri = `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`;
    messages.push(message);
    const { statusCallback: _hidden, ...reply } = message;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
    // Then the carrier's part, as Twilio reports it: sent, then delivered (or failed).
    setTimeout(async () => {
      message.status = 'sent';
      await report(message, 'sent');
      const failed = undeliverable && message.to.startsWith(undeliverable);
      message.status = failed ? 'undelivered' : 'delivered';
      if (failed)
        Object.assign(message, { error_code: 30003, error_message: 'Unreachable destination handset' });
      await report(message, message.status, failed ? 30003 : undefined);
    }, 50);
  });
});

server.listen(port, host, () =>
  process.stdout.write(`sms gateway (Twilio API) on http://${host}:${port}, messages at /api/v1/messages\n`),
);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
