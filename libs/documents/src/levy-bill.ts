import type { Application, FeeBill, PermitType } from '@berkas/contracts';
import { labelledRows, renderPdf } from './pdf';

const rupiah = (amount: number) => `Rp${new Intl.NumberFormat('id-ID').format(amount)}`;

/**
 * The SKRD (surat ketetapan retribusi daerah): the bill's number, what it is for, the amount, when
 * it falls due and how to pay it, and whether it is paid. Dated by the bill, so the same bill always
 * renders to the same bytes.
 */
export function renderLevyBill(
  app: Application & { trackingNumber: string },
  bill: FeeBill,
  type: PermitType,
  holderName: string,
): Promise<Buffer> {
  return renderPdf({ Title: `SKRD ${bill.billNumber}`, CreationDate: new Date(bill.issuedAt) }, (doc) => {
    doc.fontSize(11).fillColor('#444').text('SURAT KETETAPAN RETRIBUSI DAERAH (SKRD) / LEVY BILL');
    doc.moveDown(0.5).fontSize(22).fillColor('#000').font('Courier-Bold').text(bill.billNumber);
    doc.font('Helvetica').moveDown(0.5).fontSize(13).text(`${type.name.id} / ${type.name.en}`);
    doc.moveDown(1).fontSize(11);
    labelledRows(doc, [
      ['Wajib retribusi / Payer', holderName],
      ['Nomor pelacakan / Tracking number', app.trackingNumber],
      ['Jumlah / Amount', rupiah(bill.amount)],
      ['Diterbitkan / Issued', bill.issuedAt.slice(0, 10)],
      ['Jatuh tempo / Due', bill.dueDate ?? '-'],
      [
        'Status',
        bill.paidAt
          ? `LUNAS / PAID ${bill.paidAt.slice(0, 10)} (${bill.paymentReference ?? ''})`
          : 'BELUM DIBAYAR / NOT PAID',
      ],
    ]);
    doc.moveDown(1).fontSize(10).fillColor('#444');
    doc.text(
      `Bayar di bank atau kanal pembayaran daerah dengan nomor tagihan ${bill.billNumber}. Setelah pembayaran ` +
        `tercatat, berkas diproses lagi. / Pay at a bank or the region's payment channels with bill number ` +
        `${bill.billNumber}. Once the payment is recorded, the file moves on.`,
    );
  });
}
