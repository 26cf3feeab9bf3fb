#!/usr/bin/env node
// A local WhatsApp Business Cloud API for development and tests, speaking Meta's API as documented,
// so the services send WhatsApp messages exactly as they would to Meta:
//   POST /{version}/{phone-number-id}/messages (JSON, Authorization: Bearer <access token>): a template
//   message (business-initiated) is accepted with a wamid; what happens next arrives by webhook, a
//   POST of `whatsapp_business_account` status changes signed with X-Hub-Signature-256 (HMAC-SHA256 of
//   the body with the app secret), retried with back-off while the receiver does not answer 2xx.
//   node scripts/stand-ins/whatsapp-cloud.cjs --port 8027 --phone-number-id 100000000000001
//     --access-token dev-wa-token --app-secret dev-app-secret [--webhook-url http://…]
//     [--templates file.json]   the approved templates ([{ name, language, parameters }], or the
//                               notifications service's data/templates.json, each in id and en); without it
//                               any template is taken as approved with the parameters it is sent
//     [--not-on-whatsapp +62899] numbers with this prefix have no WhatsApp: failed 131026 by webhook
//     [--out-of-order]          reports "delivered" before "sent", as the webhooks may arrive
// It also shows what it received: GET /api/v1/messages[?to=62…] (newest first), and lets a test point
// its webhooks elsewhere: PUT /api/v1/webhook { "url": "…" }.
const { createServer } = require('node:http');
const { createHmac, randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', 8027));
const host = option('host', '127.0.0.1');
const phoneNumberId = option('phone-number-id', '100000000000001');
const displayNumber = option('display-phone-number', '6225112345678');
const businessAccountId = option('business-account-id', '200000000000002');
const accessToken = option('access-token', 'dev-wa-token');
const appSecret = option('app-secret', 'dev-app-secret');
const notOnWhatsApp = option('not-on-whatsapp', null);
const outOfOrder = process.argv.includes('--out-of-order');
let webhookUrl = option('webhook-url', null);
const templatesFile = option('templates', null);
/** Approved templates by "name/language": how many body parameters each takes. */
const templates = templatesFile ? new Map(approved(JSON.parse(readFileSync(templatesFile, 'utf8')))) : null;

/** "name/language" → parameter count, from a plain list or from the notices' own templates file. */
function approved(file) {
  const list = Array.isArray(file)
    ? file
    : Object.values(file.notices).flatMap((n) =>
        ['id', 'en'].map((language) => ({
          name: n.whatsapp.name,
          language,
          parameters: n.whatsapp.parameters.length,
        })),
      );
  return list.map((t) => [`${t.name}/${t.language}`, t.parameters]);
}

const messages = [];
const fbtrace = () => randomBytes(8).toString('base64url');

/** Meta's error body: { error: { message, type, code, error_data?, fbtrace_id } }. */
function graphError(res, status, code, message, details) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
        fbtrace_id: fbtrace(),
      },
    }),
  );
}

/** One webhook POST, retried with back-off (Meta retries for days; here a few seconds do). */
async function deliver(body) {
  if (!webhookUrl) return;
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body: raw,
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) return;
    } catch {
      /* the receiver is down: try again */
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
}

/** A status change of one message, in the webhook's envelope. */
function statusChange(message, status, errors) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: displayNumber, phone_number_id: phoneNumberId },
              statuses: [
                {
                  id: message.id,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: message.to,
                  ...(message.biz_opaque_callback_data
                    ? { biz_opaque_callback_data: message.biz_opaque_callback_data }
                    : {}),
                  ...(status === 'failed' ? { errors } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** What the handset's side does after acceptance, told by webhooks. */
async function afterAccepted(message) {
  await new Promise((r) => setTimeout(r, 50));
  const failure =
    message.type === 'text'
      ? // A free-form message needs the person to have written within 24 hours; nobody has here.
        { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }
      : notOnWhatsApp && `+${message.to}`.startsWith(notOnWhatsApp)
        ? { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }
        : null;
  if (failure) {
    message.status = 'failed';
    message.errors = [{ ...failure, error_data: { details: failure.title } }];
    return deliver(statusChange(message, 'failed', message.errors));
  }
  // Where the message ends (delivered), whatever order the reports go out in.
  message.status = 'delivered';
  for (const status of outOfOrder ? ['delivered', 'sent'] : ['sent', 'delivered'])
    await deliver(statusChange(message, status));
}

function readJson(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(body));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://whatsapp');
  if (req.method === 'GET' && url.pathname === '/api/v1/messages') {
    const to = url.searchParams.get('to')?.replace(/^\+/, '');
    const list = messages.filter((m) => !to || m.to === to).reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ total: list.length, messages: list }));
  }
  if (req.method === 'PUT' && url.pathname === '/api/v1/webhook') {
    webhookUrl = (await readJson(req))?.url ?? null;
    res.writeHead(204);
    return res.end();
  }
  const send = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(url.pathname);
  if (req.method !== 'POST' || !send)
    return graphError(res, 400, 100, 'Unsupported request - method type or path not supported');
  if (req.headers.authorization !== `Bearer ${accessToken}`)
    return graphError(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
  if (send[1] !== phoneNumberId)
    return graphError(
      res,
      400,
      100,
      `Unsupported post request. Object with ID '${send[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
    );
  const body = await readJson(req);
  if (!body || body.messaging_product !== 'whatsapp')
    return graphError(res, 400, 100, '(#100) The parameter messaging_product is required.');
  const to = String(body.to ?? '').replace(/^\+/, '');
  if (!/^[1-9]\d{7,14}$/.test(to)) return graphError(res, 400, 100, '(#100) Invalid parameter', 'to');
  let parameters = [];
  if (body.type === 'template') {
    const name = body.template?.name;
    const language = body.template?.language?.code;
    const bodyComponent = (body.template?.components ?? []).find((c) => c.type === 'body');
    parameters = (bodyComponent?.parameters ?? []).map((p) => p.text);
    const expected = templates?.get(`${name}/${language}`);
    if (templates && expected === undefined)
      return graphError(
        res,
        404,
        132001,
        '(#132001) Template name does not exist in the translation',
        `template name (${name}) does not exist in ${language}`,
      );
    if (templates && parameters.length !== expected)
      return graphError(
        res,
        400,
        132000,
        '(#132000) Number of parameters does not match the expected number of params',
        `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected})`,
      );
    if (parameters.some((p) => typeof p !== 'string' || !p.trim() || /[\n\t]| {5}/.test(p)))
      return graphError(
        res,
        400,
        132018,
        '(#132018) There was an issue with the parameters in your template.',
        'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
      );
  } else if (body.type !== 'text' || !body.text?.body)
    return graphError(res, 400, 100, '(#100) Invalid parameter', 'type');
  const message = {
    id: `wamid.${randomBytes(24).toString('base64url')}`,
    to,
    type: body.type,
    template:
      body.type === 'template'
        ? { name: body.template.name, language: body.template.language.code, parameters }
        : null,
    text: body.type === 'text' ? body.text.body : null,
    biz_opaque_callback_data: body.biz_opaque_callback_data ?? null,
    status: 'accepted',
    received_at: new Date().toISOString(),
  };
  messages.push(message);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      messaging_product: 'whatsapp',
      contacts: [{ input: String(body.to), wa_id: to }],
      messages: [{ id: message.id, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
    }),
  );
  void afterAccepted(message);
});

server.listen(port, host, () =>
  process.stdout.write(
    `whatsapp (Cloud API) on http://${host}:${port}, messages at /api/v1/messages, webhooks to ${webhookUrl ?? 'nowhere yet'}\n`,
  ),
);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
