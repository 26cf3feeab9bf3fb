import type { ServerResponse } from 'node:http';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

/**
 * An A4 PDF drawn by `draw`, as bytes. `info.CreationDate` should be the date of what the document
 * records, so the same record always renders to the same bytes (pdfkit otherwise stamps "now").
 */
export function renderPdf(
  info: { Title: string; CreationDate?: Date },
  draw: (doc: PDFKit.PDFDocument) => void | Promise<void>,
): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Creator: 'Berkas', ...info } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return Promise.resolve(draw(doc)).then(() => {
    doc.end();
    return done;
  });
}

/** A QR code of `url` as a PNG, for a printed page (medium error correction survives a crease). */
export const qrPng = (url: string, width: number): Promise<Buffer> =>
  QRCode.toBuffer(url, { errorCorrectionLevel: 'M', margin: 1, width });

/** Label: value lines, the label bold. */
export function labelledRows(doc: PDFKit.PDFDocument, rows: Array<[string, string]>): void {
  for (const [label, value] of rows)
    doc.font('Helvetica-Bold').text(label, { continued: true }).font('Helvetica').text(`: ${value}`);
}

/**
 * Sends a rendered document to be shown in the browser (inline, under `fileName`), never cached by
 * anyone between: each is some applicant's or dossier's.
 */
export function sendPdf(res: ServerResponse, pdf: Buffer, fileName: string): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${fileName.replace(/[^\w.-]/g, '-')}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(pdf);
}
