import type { Request } from 'express';
import type { NoticeTemplateDetail, NoticeTemplatePreview } from '@berkas/contracts';
import { FormErrors } from '../pages/form-errors';
import { PageRenderer } from '../views/page-renderer';
import { addTemplateRefusals, templateRefusal } from './notice-template-refusals';

describe("the notifications service's refusals of a notice's wording, in the reader's language", () => {
  it.each([
    ['sms', 'is empty', 'Masukkan teks SMS', 'Enter the SMS text'],
    [
      'sms',
      'is not a valid template: Unclosed tag at 12',
      'Periksa kurung kurawal pada teks SMS: setiap {{ harus ditutup dengan }}',
      'Check the curly brackets in the SMS text: every {{ needs a closing }}',
    ],
    [
      'email',
      'uses {{#permitType}}, a section: only {{name}} is allowed',
      'Hapus {{#permitType}} dari isi email: templat hanya boleh menyisipkan variabel, seperti {{trackingNumber}}',
      'Remove {{#permitType}} from the email body: a template may only insert variables, such as {{trackingNumber}}',
    ],
    [
      'subject',
      'uses {{{trackingNumber}}}, unescaped output: only {{name}} is allowed',
      'Hapus {{{trackingNumber}}} dari subjek email: templat hanya boleh menyisipkan variabel, seperti {{trackingNumber}}',
      'Remove {{{trackingNumber}}} from the email subject: a template may only insert variables, such as {{trackingNumber}}',
    ],
    [
      'email',
      'uses {{permitNumber}}, which this notice does not have; it may use {{name}}, {{link}}',
      'Hapus {{permitNumber}} dari isi email: pemberitahuan ini tidak mengenal variabel itu',
      'Remove {{permitNumber}} from the email body: this notice has no such variable',
    ],
    [
      'sms',
      'must keep {{stopLink}}',
      'Sertakan {{stopLink}} di teks SMS: setiap pesan wajib memuat tautan itu',
      'Keep {{stopLink}} in the SMS text: every message must have that link',
    ],
    [
      'whatsapp',
      'must use exactly the parameters of its registered template berkas_diterima: {{permitType}}, {{stopLink}}',
      'Teks WhatsApp harus memakai tepat variabel templat berkas_diterima yang terdaftar di Meta: {{permitType}}, {{stopLink}}',
      'The WhatsApp text must use exactly the variables of the template berkas_diterima registered at Meta: {{permitType}}, {{stopLink}}',
    ],
    [
      'subject',
      'must be one line',
      'Tulis subjek email dalam satu baris',
      'Write the email subject on one line',
    ],
    [
      'sms',
      'is 512 characters once filled in with the examples; at most 480',
      'Persingkat teks SMS: 512 karakter setelah diisi contoh, paling banyak 480',
      'Shorten the SMS text: 512 characters once filled in with the examples, at most 480',
    ],
    ['sms', 'is something new', 'is something new', 'is something new'],
  ] as const)('%s "%s"', (field, message, id, en) => {
    expect(templateRefusal('id', field, message)).toBe(id);
    expect(templateRefusal('en', field, message)).toBe(en);
  });

  it('are put by the field each names, the first of each; others are left to the page', () => {
    const errors = new FormErrors();
    expect(
      addTemplateRefusals(
        errors,
        [
          { path: '/sms', message: 'must keep {{stopLink}}' },
          { path: '/sms', message: 'is empty' },
          { path: '/kind', message: 'must match pattern' },
        ],
        'id',
      ),
    ).toBe(true);
    expect(errors.list).toEqual([
      { text: 'Sertakan {{stopLink}} di teks SMS: setiap pesan wajib memuat tautan itu', href: '#sms' },
    ]);
    expect(addTemplateRefusals(new FormErrors(), [{ path: '/kind', message: 'x' }], 'id')).toBe(false);
  });
});

describe('the pages of a notice template', () => {
  const pages = new PageRenderer();
  const hostile = '<script>alert("x")</script>';
  const req = {
    path: '/kelola/templat/submitted/id',
    query: {},
    session: {
      person: { kind: 'staff', name: 'Hendra', seats: [{ agencyCode: 'DPMPTSP', roles: ['system-admin'] }] },
    },
  } as unknown as Request;
  const stamp = { id: 'system', name: 'Berkas', at: '2026-11-20T03:00:00.000Z' };
  const version = {
    kind: 'submitted',
    language: 'id' as const,
    version: 2,
    subject: `Diterima ${hostile}`,
    email: `Yth. {{name}}, ${hostile} {{preferencesLink}}`,
    sms: 'Berkas {{trackingNumber}} Stop: {{stopLink}}',
    whatsapp: 'x {{stopLink}}',
    saved: { ...stamp, name: `Admin ${hostile}` },
    published: null,
    inUse: false,
  };
  const detail: NoticeTemplateDetail = {
    kind: 'submitted',
    language: 'id',
    audience: 'applicant',
    legallyRequired: true,
    whatsappTemplate: { name: 'berkas_diterima', parameters: ['trackingNumber', 'stopLink'] },
    variables: [{ name: 'trackingNumber', example: '3271-26-7K4Q-X9M2-H' }],
    limits: { subject: 200, sms: 480, whatsapp: 1024 },
    versions: [version, { ...version, version: 1, published: stamp, inUse: true }],
  };

  it('show what an operator wrote as text, never as markup, and the variables in their braces', () => {
    const html = pages.render(req, 'pages/admin-template-edit', {
      detail,
      draft: version,
      inUse: detail.versions[1],
      other: 'en',
      form: version,
    });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Yth. {{name}}, &lt;script&gt;');
    expect(html).toContain('<code>{{trackingNumber}}</code>');
    expect(html).toContain('memakai tepat {{trackingNumber}}, {{stopLink}}, tidak lebih');
    expect(html).toContain('id="admin-templat"');
    const preview: NoticeTemplatePreview = {
      kind: 'submitted',
      language: 'id',
      version: 2,
      inUse: false,
      email: { subject: `Diterima ${hostile}`, body: `Yth. ${hostile}` },
      sms: { body: hostile, length: hostile.length },
      whatsapp: {
        body: hostile,
        length: hostile.length,
        template: 'berkas_diterima',
        parameters: [hostile, 'x'],
      },
    };
    const shown = pages.render(req, 'pages/admin-template-preview', { detail, preview });
    expect(shown).not.toContain('<script>alert');
    expect(shown).toContain('<code>{{stopLink}}</code>: x');
    expect(shown).toContain('href="/kelola/templat/submitted/id/terbitkan?versi=2"');
  });
});
