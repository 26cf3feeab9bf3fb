import type { Request } from 'express';

export type Lang = 'id' | 'en';

/** Indonesian unless the reader chose English (`?lang=en`, carried by every link and form). */
export function langOf(req: Request): Lang {
  return req.query['lang'] === 'en' ? 'en' : 'id';
}

/** Words of the public pages, Indonesian first; a missing English entry fails the type check. */
export const WORDS = {
  id: {
    skip: 'Langsung ke isi',
    switchTo: 'English',
    trackTitle: 'Lacak berkas',
    trackIntro:
      'Masukkan nomor pelacakan dari tanda terima Anda untuk melihat di mana berkas berada, siapa yang memegangnya, dan kapan jatuh temponya.',
    trackLabel: 'Nomor pelacakan',
    trackHint: 'Contoh: 3271-26-7K4Q-X9M2-D. Huruf besar/kecil, spasi dan tanda hubung tidak berpengaruh.',
    trackButton: 'Lacak',
    status: 'Status',
    statusOpen: 'Sedang diproses',
    statusInTransit: 'Dalam pengiriman antarinstansi',
    statusClosed: 'Selesai',
    permitType: 'Jenis izin',
    holder: 'Berkas dipegang oleh',
    workingOn: 'Sedang dikerjakan',
    stageDue: 'batas waktu',
    awaitingApplicant: 'Menunggu perbaikan dari pemohon. Silakan lengkapi sesuai catatan petugas.',
    heldSince: 'Sejak',
    dueAt: 'Batas waktu layanan',
    noDue: 'Belum berjalan',
    timeline: 'Riwayat',
    numberInvalidCheck:
      'Nomor pelacakan tidak valid: satu karakter salah atau dua karakter tertukar. Periksa kembali tanda terima Anda.',
    numberInvalidShape: 'Ini bukan nomor pelacakan. Nomor pelacakan berbentuk seperti 3271-26-7K4Q-X9M2-D.',
    notFound: 'Tidak ada berkas dengan nomor ini.',
    unavailable: 'Layanan sedang tidak tersedia. Silakan coba lagi beberapa saat lagi.',
    tooMany: 'Terlalu banyak permintaan. Silakan coba lagi dalam {s} detik.',
    privacy: 'Halaman ini tidak menampilkan data pribadi pemohon.',
    verifyTitle: 'Verifikasi izin',
    verdictValid: 'ASLI dan BERLAKU',
    verdictExpired: 'Asli, tetapi masa berlakunya HABIS',
    verdictRevoked: 'Asli, tetapi telah DICABUT',
    verdictUnknown: 'TIDAK DAPAT DIVERIFIKASI: kemungkinan palsu. Hubungi instansi penerbit.',
    permitNumber: 'Nomor izin',
    permitHolder: 'Pemegang',
    issuedAt: 'Terbit',
    validUntil: 'Berlaku sampai',
    forever: 'Tanpa batas waktu',
  },
  en: {
    skip: 'Skip to content',
    switchTo: 'Bahasa Indonesia',
    trackTitle: 'Track a file',
    trackIntro:
      'Enter the tracking number on your receipt to see where your file is, which agency holds it, and when it is due.',
    trackLabel: 'Tracking number',
    trackHint: 'For example 3271-26-7K4Q-X9M2-D. Case, spaces and hyphens do not matter.',
    trackButton: 'Track',
    status: 'Status',
    statusOpen: 'In progress',
    statusInTransit: 'Being handed over between agencies',
    statusClosed: 'Closed',
    permitType: 'Permit type',
    holder: 'File held by',
    workingOn: 'Being worked on',
    stageDue: 'due',
    awaitingApplicant: "Waiting for the applicant's corrections. Please complete them as the officer noted.",
    heldSince: 'Since',
    dueAt: 'Service due date',
    noDue: 'Not running yet',
    timeline: 'History',
    numberInvalidCheck:
      'This tracking number is not valid: one character is wrong or two are swapped. Check your receipt.',
    numberInvalidShape: 'This is not a tracking number. Tracking numbers look like 3271-26-7K4Q-X9M2-D.',
    notFound: 'No file has this number.',
    unavailable: 'The service is unavailable right now. Please try again in a moment.',
    tooMany: 'Too many requests. Please try again in {s} seconds.',
    privacy: 'This page shows no personal data of the applicant.',
    verifyTitle: 'Permit verification',
    verdictValid: 'GENUINE and VALID',
    verdictExpired: 'Genuine, but EXPIRED',
    verdictRevoked: 'Genuine, but REVOKED',
    verdictUnknown: 'CANNOT BE VERIFIED: possibly forged. Contact the issuing agency.',
    permitNumber: 'Permit number',
    permitHolder: 'Holder',
    issuedAt: 'Issued',
    validUntil: 'Valid until',
    forever: 'No expiry',
  },
} satisfies Record<Lang, Record<string, string>>;

export type Words = (typeof WORDS)['id'];

/** A date (YYYY-MM-DD or a timestamp) the way readers of the language write it, in the city's time zone. */
export function formatDate(value: string, lang: Lang, withTime = false): string {
  const date = new Date(value.length === 10 ? `${value}T00:00:00+07:00` : value);
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Asia/Jakarta',
  }).format(date);
}
