import type { Dossier } from '@berkas/contracts';
import { labelledRows, qrPng, renderPdf } from './pdf';

/**
 * The sheet clipped to a paper dossier. Its QR code holds the dossier's page (`/berkas/<number>`):
 * an officer who scans it lands on the dossier, signed in, to receive it.
 */
export async function renderCoverSheet(dossier: Dossier, publicUrl: string): Promise<Buffer> {
  const target = `${publicUrl.replace(/\/$/, '')}/berkas/${dossier.trackingNumber}`;
  const qr = await qrPng(target, 300);
  return renderPdf({ Title: `Berkas ${dossier.trackingNumber}` }, (doc) => {
    doc.fontSize(11).fillColor('#444').text('LEMBAR SAMPUL BERKAS / DOSSIER COVER SHEET');
    doc.moveDown(0.5).fontSize(28).fillColor('#000').font('Courier-Bold').text(dossier.trackingNumber);
    doc.font('Helvetica').moveDown(0.5).fontSize(14).text(dossier.title);
    doc.moveDown(1).fontSize(11);
    const rows: Array<[string, string]> = [
      ['Instansi asal / Origin', `${dossier.origin.code} — ${dossier.origin.name}`],
      ['Dibuka / Opened', new Date(dossier.openedAt).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta' })],
      ['Jenis / Kind', dossier.kind],
      ['Kerahasiaan / Confidentiality', dossier.confidentiality],
    ];
    if (dossier.permitType)
      rows.push(['Izin / Permit', `${dossier.permitType.code} — ${dossier.permitType.name.id}`]);
    labelledRows(doc, rows);
    doc.image(qr, 56, 420, { width: 180 });
    doc
      .fontSize(9)
      .fillColor('#444')
      .text('Pindai untuk membuka berkas / Scan to open the dossier', 250, 470, { width: 280 });
    doc.text(target, 250, 500, { width: 280 });
  });
}
