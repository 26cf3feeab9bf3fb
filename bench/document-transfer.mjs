#!/usr/bin/env node
// Benchmark: a 200 MB document through the gateway (streamed multipart upload, checksum-verified
// download) against the same bytes sent straight to the same S3 server with the `minio` client
// (a multipart upload, as putObject makes of a stream, and getObject), and, for context, one
// presigned PUT/GET, with the peak memory of the gateway and tracking processes.
// Usage: npm run bench -- document-transfer [runs=3]
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { mb, median, rssOf, sampleMemory, startBerkas } from './lib.mjs';

const SIZE = 200 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const runs = Number(process.argv[2] ?? 3);

/** 200 MB starting like a PDF, generated as it is read: the benchmark itself holds no copy. */
function pdfStream() {
  const block = randomBytes(CHUNK);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return this.push(null);
      const chunk = sent === 0 ? Buffer.concat([Buffer.from('%PDF-1.7\n'), block.subarray(9)]) : block;
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/**
 * What the minio client's putObject does with a 200 MB stream, by hand: s3rver answers the listing
 * of unfinished uploads that putObject starts with NotImplemented (TOOLCHAIN.md). 5 MiB parts, the
 * next read while one uploads: the same shape as the gateway's uploader, minus the gateway.
 */
async function multipartPut(client, bucket, key, stream) {
  const uploadID = await client.initiateNewMultipartUpload(bucket, key, {
    'Content-Type': 'application/pdf',
  });
  const etags = [];
  let pending = [];
  let bytes = 0;
  let inFlight = null;
  let parts = 0;
  const flush = async () => {
    const body = Buffer.concat(pending, bytes);
    const part = ++parts;
    pending = [];
    bytes = 0;
    await inFlight;
    inFlight = client
      .uploadPart(
        {
          bucketName: bucket,
          objectName: key,
          uploadID,
          partNumber: part,
          headers: { 'Content-Length': body.length },
        },
        body,
      )
      .then(({ etag }) => etags.push({ part, etag }));
  };
  for await (const chunk of stream) {
    pending.push(chunk);
    bytes += chunk.length;
    if (bytes >= 5 * 1024 * 1024) await flush();
  }
  if (bytes) await flush();
  await inFlight;
  await client.completeMultipartUpload(
    bucket,
    key,
    uploadID,
    etags.sort((a, b) => a.part - b.part),
  );
}

function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (c) => {
        hash.update(c);
        size += c.length;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          size,
          sha256: hash.digest('hex'),
          text: size < 10000 ? null : null,
        }),
      );
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

async function json(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function multipart(boundary) {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nenvironmental-document\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="amdal.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return Readable.from(
    (async function* () {
      yield head;
      for await (const c of pdfStream()) yield c;
      yield tail;
    })(),
  );
}

const system = await startBerkas();
try {
  const { gatewayUrl, s3Port, processes } = system;
  const pids = { gateway: processes.gateway.pid, tracking: processes.tracking.pid };
  const demo = (await import('../services/identity/src/app/demo/demo-data.json', { with: { type: 'json' } }))
    .default;
  const fo = demo.staff.find((s) => s.roles.includes('front-office'));
  const { accessToken } = await json('POST', `${gatewayUrl}/api/v1/auth/login`, null, {
    username: fo.email,
    password: demo.password,
  });
  const me = await json('GET', `${gatewayUrl}/api/v1/me`, accessToken);
  const s3 = new Client({
    endPoint: '127.0.0.1',
    port: s3Port,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    region: 'us-east-1',
    pathStyle: true,
  });

  const rows = [];
  const highest = { gateway: 0, tracking: 0 }; // peak RSS rise of any run, the warm-up's included
  // Run 0 warms up (JIT, buffers, connection pools) and is left out of the medians.
  for (let i = 0; i <= runs; i++) {
    const dossier = await json('POST', `${gatewayUrl}/api/v1/dossiers`, accessToken, {
      title: `Dokumen AMDAL ${i}`,
      kind: 'report',
      originAgencyId: me.principal.agencyId,
    });
    const before = { gateway: rssOf(pids.gateway), tracking: rssOf(pids.tracking) };

    const boundary = `bench${Date.now()}`;
    let sampler = sampleMemory(Object.values(pids));
    let t0 = performance.now();
    const upload = await send(
      'POST',
      `${gatewayUrl}/api/v1/dossiers/${dossier.trackingNumber}/documents`,
      {
        authorization: `Bearer ${accessToken}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
      multipart(boundary),
    );
    const uploadMs = performance.now() - t0;
    let peak = sampler.stop();
    if (upload.status !== 201) throw new Error(`upload answered ${upload.status}`);
    const doc = (await json('GET', `${gatewayUrl}/api/v1/dossiers/${dossier.trackingNumber}`, accessToken))
      .documents[0];

    sampler = sampleMemory(Object.values(pids));
    t0 = performance.now();
    const download = await send('GET', `${gatewayUrl}/api/v1/documents/${doc.id}/download`, {
      authorization: `Bearer ${accessToken}`,
    });
    const downloadMs = performance.now() - t0;
    const peakDown = sampler.stop();
    if (download.status !== 200 || download.sha256 !== doc.sha256)
      throw new Error('download did not match the stored checksum');

    // Baseline: the same bytes straight to and from the same S3 server with the minio client.
    const clientKey = `bench/client-${i}`;
    t0 = performance.now();
    await multipartPut(s3, 'berkas-documents', clientKey, pdfStream());
    const clientUpMs = performance.now() - t0;
    t0 = performance.now();
    const hash = createHash('sha256');
    for await (const chunk of await s3.getObject('berkas-documents', clientKey)) hash.update(chunk);
    const clientDownMs = performance.now() - t0;

    // For context: one presigned PUT (no multipart) and a plain GET.
    const key = `bench/direct-${i}`;
    const putUrl = await s3.presignedPutObject('berkas-documents', key, 600);
    t0 = performance.now();
    await send('PUT', putUrl, { 'content-length': String(SIZE) }, pdfStream());
    const directUpMs = performance.now() - t0;
    const getUrl = await s3.presignedGetObject('berkas-documents', key, 600);
    t0 = performance.now();
    await send('GET', getUrl, {});
    const directDownMs = performance.now() - t0;

    const row = {
      uploadMBs: SIZE / 1048576 / (uploadMs / 1000),
      downloadMBs: SIZE / 1048576 / (downloadMs / 1000),
      clientUpMBs: SIZE / 1048576 / (clientUpMs / 1000),
      clientDownMBs: SIZE / 1048576 / (clientDownMs / 1000),
      directUpMBs: SIZE / 1048576 / (directUpMs / 1000),
      directDownMBs: SIZE / 1048576 / (directDownMs / 1000),
      gatewayRise: Math.max(peak[pids.gateway], peakDown[pids.gateway]) - before.gateway,
      trackingRise: Math.max(peak[pids.tracking], peakDown[pids.tracking]) - before.tracking,
    };
    highest.gateway = Math.max(highest.gateway, row.gatewayRise);
    highest.tracking = Math.max(highest.tracking, row.trackingRise);
    if (i > 0) rows.push(row);
    process.stdout.write(`${i ? `run ${i}` : 'warm-up'}: ${JSON.stringify(row)}\n`);
  }
  const m = (k) => median(rows.map((r) => r[k]));
  const result = {
    runs,
    upload: {
      gatewayMBs: m('uploadMBs'),
      clientMBs: m('clientUpMBs'),
      ratio: m('uploadMBs') / m('clientUpMBs'),
      singlePutMBs: m('directUpMBs'),
    },
    download: {
      gatewayMBs: m('downloadMBs'),
      clientMBs: m('clientDownMBs'),
      ratio: m('downloadMBs') / m('clientDownMBs'),
      plainGetMBs: m('directDownMBs'),
    },
    peakRssRiseMB: { gateway: Number(mb(m('gatewayRise'))), tracking: Number(mb(m('trackingRise'))) },
    highestRssRiseMB: { gateway: Number(mb(highest.gateway)), tracking: Number(mb(highest.tracking)) },
  };
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
} finally {
  await system.stop();
}
