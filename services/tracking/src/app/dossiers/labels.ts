import type { Bilingual } from '@berkas/contracts';

/** What the public tracking page says about each milestone, Indonesian first. */
export const LABELS = {
  opened: { id: 'Berkas diterima dan dibuka', en: 'File received and opened' },
  submitted: { id: 'Permohonan diajukan dan berkas dibuka', en: 'Application submitted, file opened' },
  handoffSent: { id: 'Berkas dikirim ke instansi lain', en: 'File sent to another agency' },
  handoffReceived: { id: 'Berkas diterima oleh instansi', en: 'File received by the agency' },
  handoffRefused: { id: 'Berkas dikembalikan ke pengirim', en: 'File returned to the sender' },
  documentAdded: { id: 'Dokumen ditambahkan', en: 'Document added' },
  awaitingApplicant: {
    id: 'Menunggu perbaikan dari pemohon',
    en: "Waiting for the applicant's corrections",
  },
  closed: {
    completed: { id: 'Berkas selesai diproses', en: 'File completed' },
    issued: { id: 'Izin telah terbit', en: 'Permit issued' },
    rejected: { id: 'Permohonan ditolak', en: 'Application rejected' },
    withdrawn: { id: 'Permohonan dicabut oleh pemohon', en: 'Application withdrawn by the applicant' },
    archived: { id: 'Berkas diarsipkan', en: 'File archived' },
  },
} satisfies Record<string, Bilingual | Record<string, Bilingual>>;
