import type { Application, PermitType } from '@berkas/contracts';
import { labelledRows, qrPng, renderPdf } from './pdf';

const inJakarta = (iso: string) =>
  new Date(iso).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'long', timeStyle: 'short' });

/**
 * The bukti pendaftaran an applicant keeps: the tracking number as text and as a QR code that opens
 * the public tracking page, when it was sent, and what happens next. No personal data: whoever
 * finds the paper learns only what the tracking page shows. A file entered at a counter says by
 * whom, and how its walk-in claims it online.
 */
export async function renderRegistrationReceipt(
  app: Application & { trackingNumber: string; submittedAt: string },
  type: PermitType,
  publicUrl: string,
): Promise<Buffer> {
  const target = `${publicUrl.replace(/\/$/, '')}/lacak?nomor=${encodeURIComponent(app.trackingNumber)}`;
  const qr = await qrPng(target, 300);
  const claimUrl = `${publicUrl.replace(/\/$/, '')}/klaim`;
  // Dated by the submission: the same receipt always renders to the same bytes.
  return renderPdf(
    { Title: `Bukti pendaftaran ${app.trackingNumber}`, CreationDate: new Date(app.submittedAt) },
    (doc) => {
      doc.fontSize(11).fillColor('#444').text('BUKTI PENDAFTARAN / REGISTRATION RECEIPT');
      doc.moveDown(0.5).fontSize(26).fillColor('#000').font('Courier-Bold').text(app.trackingNumber);
      doc.font('Helvetica').moveDown(0.5).fontSize(14).text(`${type.name.id} / ${type.name.en}`);
      doc.moveDown(1).fontSize(11);
      labelledRows(doc, [
        ['Dikirim / Sent', inJakarta(app.submittedAt)],
        ['Instansi / Agency', type.issuingAgency],
        ['Standar layanan / Service standard', `${type.serviceStandardDays} hari kerja / working days`],
        ...(app.enteredBy
          ? [
              [
                'Diterima di loket / Received at the counter',
                `${app.enteredBy.name}, ${app.enteredBy.agencyCode}`,
              ],
            ]
          : []),
      ] as Array<[string, string]>);
      doc.moveDown(1).fontSize(10).fillColor('#444');
      doc.text(
        'Waktu layanan dihitung sejak berkas dinyatakan lengkap. Simpan nomor ini untuk melacak berkas. / ' +
          'The service time counts from when the file is declared complete. Keep this number to track the file.',
      );
      doc.image(qr, 56, 440, { width: 170 });
      doc.fontSize(9).text('Pindai untuk melacak berkas / Scan to track the file', 240, 480, { width: 290 });
      doc.text(target, 240, 505, { width: 290 });
      if (app.enteredBy)
        doc
          .fontSize(10)
          .text(
            `Ikuti permohonan ini dari ponsel Anda: buka ${claimUrl}, masukkan nomor lacak di atas dan kode ` +
              'yang dikirim ke HP atau email Anda, lalu pilih kata sandi. / Follow this application from your ' +
              `phone: open ${claimUrl}, enter the tracking number above and the code sent to your phone or ` +
              'email, then choose a password.',
            56,
            640,
            { width: 480 },
          );
    },
  );
}
