import { Readable } from 'node:stream';
import type { Request } from 'express';
import type { ApiClient } from '../api/api-client';
import { DocumentForwarder } from './document-forwarder';

/** A browser's multipart post: fields and files in the order given. */
function post(parts: Array<[name: string, value: string] | [name: string, value: string, fileName: string]>) {
  const boundary = 'berkas-test';
  const body = parts
    .map(([name, value, fileName]) =>
      fileName
        ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n${value}\r\n`
        : `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  return Object.assign(Readable.from([Buffer.from(`${body}--${boundary}--\r\n`)]), {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }) as unknown as Request;
}

describe('a streamed form', () => {
  const forwarder = new DocumentForwarder({} as ApiClient);
  const limits = { files: 3, fields: 20 };

  it('hands each file over with the fields before it, lists repeated names, and reads the file', async () => {
    const seen: Array<Record<string, string | string[]>> = [];
    const form = await forwarder.read(
      post([
        ['_csrf', 'token-1'],
        ['tindakan', 'approve'],
        ['perbaiki', 'address'],
        ['perbaiki', 'floors'],
        ['lampiran', '%PDF-1.7 memo', 'telaah.pdf'],
        ['after', 'late'],
      ]),
      'token-1',
      limits,
      async (fields, file) => {
        seen.push(fields);
        let bytes = '';
        for await (const chunk of file.stream) bytes += chunk;
        return `${file.fileName}:${bytes}`;
      },
    );
    expect(form).toMatchObject({ csrfOk: true, files: ['telaah.pdf:%PDF-1.7 memo'], truncated: false });
    expect(seen).toEqual([{ _csrf: 'token-1', tindakan: 'approve', perbaiki: ['address', 'floors'] }]);
    expect(form.fields['after']).toBe('late');
  });

  it('refuses a form without the session token, also when the session has none yet', async () => {
    const handled: string[] = [];
    const onFile = async (_f: unknown, file: { fileName: string }) => (
      handled.push(file.fileName),
      file.fileName
    );
    const noToken = await forwarder.read(post([['tindakan', 'approve']]), undefined, limits, onFile);
    expect(noToken.csrfOk).toBe(false);
    const late = await forwarder.read(
      post([
        ['lampiran', 'x', 'early.pdf'],
        ['_csrf', 'token-1'],
      ]),
      'token-1',
      limits,
      onFile,
    );
    expect(late.csrfOk).toBe(false);
    expect(handled).toEqual([]); // a file before the token is never sent on
  });

  it('says when a field was cut to the size a form may send', async () => {
    const form = await forwarder.read(
      post([
        ['_csrf', 'token-1'],
        ['catatan', 'x'.repeat(20_000)],
      ]),
      'token-1',
      limits,
      async () => null,
    );
    expect(form.truncated).toBe(true);
  });
});
