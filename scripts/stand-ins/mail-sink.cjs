#!/usr/bin/env node
// A real SMTP server for development and tests: it accepts every message, keeps it, and shows what
// it received over HTTP (like Mailpit), so nothing is mocked inside the services that send mail.
//   node scripts/stand-ins/mail-sink.cjs --smtp-port 1025 --http-port 8025 [--dir .data/mail]
// HTTP: GET /api/v1/messages[?to=address] (newest first), GET /api/v1/messages/:id, DELETE /api/v1/messages.
const { createServer } = require('node:http');
const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const smtpPort = Number(option('smtp-port', 1025));
const httpPort = Number(option('http-port', 8025));
const host = option('host', '127.0.0.1');
const dir = option('dir', null);

/** Messages received, oldest first; kept in `dir` too when given, so a restart keeps them. */
const messages = [];
if (dir) {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort())
    messages.push(JSON.parse(readFileSync(join(dir, file), 'utf8')));
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  size: 10 * 1024 * 1024,
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const message = {
          id: randomUUID(),
          receivedAt: new Date().toISOString(),
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          },
          from: mail.from ? mail.from.text : null,
          to: mail.to ? [].concat(mail.to).map((a) => a.text) : [],
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: mail.html || null,
          messageId: mail.messageId ?? null,
          headers: Object.fromEntries([...mail.headers].filter(([, v]) => typeof v === 'string')),
        };
        messages.push(message);
        if (dir) writeFileSync(join(dir, `${Date.now()}-${message.id}.json`), JSON.stringify(message));
        callback();
      })
      .catch((e) => callback(e));
  },
});

const http = createServer((req, res) => {
  const url = new URL(req.url, 'http://sink');
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === '/api/v1/messages') {
    const to = url.searchParams.get('to')?.toLowerCase();
    const list = messages.filter((m) => !to || m.envelope.to.includes(to)).reverse();
    return send(200, { total: list.length, messages: list });
  }
  const one = /^\/api\/v1\/messages\/([0-9a-f-]{36})$/.exec(url.pathname);
  if (req.method === 'GET' && one) {
    const message = messages.find((m) => m.id === one[1]);
    return message ? send(200, message) : send(404, { error: 'no such message' });
  }
  if (req.method === 'DELETE' && url.pathname === '/api/v1/messages') {
    messages.length = 0;
    if (dir) for (const file of readdirSync(dir)) rmSync(join(dir, file));
    return send(200, { deleted: true });
  }
  send(404, { error: 'not found' });
});

smtp.listen(smtpPort, host, () =>
  http.listen(httpPort, host, () =>
    process.stdout.write(
      `mail sink: SMTP on ${host}:${smtpPort}, messages at http://${host}:${httpPort}/api/v1/messages\n`,
    ),
  ),
);
const stop = () => smtp.close(() => http.close(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
