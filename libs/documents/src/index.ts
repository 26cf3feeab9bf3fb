export * from './cover-sheet';
export * from './permit-document';
export * from './registration-receipt';
export * from './levy-bill';
export { sendPdf } from './pdf';
