import type { IssuedPermit } from '@berkas/contracts';
import { labelledRows, qrPng, renderPdf } from './pdf';

/** The permit as printed: number, holder, validity, the form's main facts, and the QR that verifies it. */
export async function renderPermit(
  permit: IssuedPermit,
  facts: Array<[string, string]>,
  conditions: string[],
  sealFingerprint: string,
): Promise<Buffer> {
  const qr = await qrPng(permit.verificationUrl, 360);
  const title = `${permit.permitType.name.id} ${permit.number}`;
  // Dated by the decision, not the rendering: the same permit always renders to the same bytes.
  return renderPdf({ Title: title, CreationDate: new Date(permit.issuedAt) }, (doc) => {
    doc
      .fontSize(16)
      .font('Helvetica-Bold')
      .text(permit.permitType.name.id.toUpperCase(), { align: 'center' });
    doc.fontSize(11).font('Helvetica').text(permit.permitType.name.en, { align: 'center' });
    doc.moveDown(0.5).fontSize(12).text(`Nomor: ${permit.number}`, { align: 'center' });
    doc.moveDown(1.5).fontSize(11);
    labelledRows(doc, [
      ['Diberikan kepada / Holder', permit.holderName],
      ['Tanggal terbit / Issued', permit.issuedAt.slice(0, 10)],
      [
        'Berlaku sampai / Valid until',
        permit.validUntil ?? 'Selama bangunan/usaha memenuhi ketentuan / while the conditions are met',
      ],
      ...facts,
    ]);
    if (conditions.length) {
      doc.moveDown(1).font('Helvetica-Bold').text('Ketentuan / Conditions').font('Helvetica');
      conditions.forEach((c, i) => doc.text(`${i + 1}. ${c}`));
    }
    const top = Math.max(doc.y + 24, 440); // below the text, whatever its length
    doc.image(qr, 56, top, { width: 160 });
    doc
      .fontSize(9)
      .text('Pindai untuk memeriksa keaslian izin ini / Scan to verify this permit', 230, top + 20, {
        width: 300,
      });
    doc.text(`Kunci segel / seal key: ${sealFingerprint}`, 230, top + 50, { width: 300 });
  });
}
