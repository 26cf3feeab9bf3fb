/**
 * What identity says to people, Bahasa Indonesia first, then English. An email has both in full; an
 * SMS keeps to one message's length. (Operator-editable templates come with the notifications
 * service; these are the account's own.)
 */
export interface Wording {
  subject: string;
  email: string;
  sms: string;
}

export const REGISTRATION_CODE_MINUTES = 15;
export const INVITATION_HOURS = 24;

const NEVER_SHARE_ID = 'Jangan berikan kode ini kepada siapa pun, termasuk petugas.';
const NEVER_SHARE_EN = 'Do not give this code to anyone, officers included.';

export function registrationCode(code: string): Wording {
  return {
    subject: 'Kode pendaftaran Berkas / Berkas registration code',
    email: [
      `Kode pendaftaran akun Berkas Anda: ${code}`,
      `Berlaku ${REGISTRATION_CODE_MINUTES} menit. ${NEVER_SHARE_ID}`,
      'Jika Anda tidak mendaftar, abaikan email ini.',
      '',
      `Your Berkas registration code: ${code}`,
      `Valid for ${REGISTRATION_CODE_MINUTES} minutes. ${NEVER_SHARE_EN}`,
      'If you did not register, ignore this email.',
    ].join('\n'),
    sms: `Berkas: kode pendaftaran ${code} (${REGISTRATION_CODE_MINUTES} mnt). JANGAN berikan ke siapa pun. Code: ${code}`,
  };
}

export function alreadyRegistered(): Wording {
  return {
    subject: 'Pendaftaran Berkas / Berkas registration',
    email: [
      'Seseorang, mungkin Anda, mencoba mendaftar di Berkas dengan alamat ini, tetapi alamat ini sudah',
      'memiliki akun. Jika itu Anda, silakan masuk, atau atur ulang kata sandi bila lupa. Jika bukan,',
      'abaikan email ini: akun Anda tidak berubah.',
      '',
      'Someone, perhaps you, tried to register with Berkas using this address, which already has an',
      'account. If it was you, sign in, or reset your password if you forgot it. If not, ignore this',
      'email: your account is unchanged.',
    ].join('\n'),
    sms: 'Berkas: nomor ini sudah punya akun. Silakan masuk. Bila bukan Anda yang mendaftar, abaikan pesan ini.',
  };
}

export function identityTaken(what: 'NIK' | 'NIB'): Wording {
  const whom = what === 'NIK' ? 'KTP Anda' : 'dokumen NIB perusahaan';
  const whomEn = what === 'NIK' ? 'your identity card' : "the company's NIB documents";
  return {
    subject: 'Pendaftaran Berkas / Berkas registration',
    email: [
      `${what} yang Anda daftarkan sudah terdaftar pada akun lain, jadi akun baru tidak dibuat.`,
      what === 'NIB'
        ? 'Minta anggota perusahaan Anda yang sudah terdaftar untuk menambahkan Anda.'
        : 'Jika bukan Anda yang mendaftarkannya,',
      `datanglah ke kantor DPMPTSP dengan ${whom} agar kami periksa.`,
      '',
      `The ${what} you registered with already has another account, so no new account was made.`,
      what === 'NIB' ? 'Ask a registered member of your company to add you.' : 'If you did not register it,',
      `visit the DPMPTSP office with ${whomEn} and we will look into it.`,
    ].join('\n'),
    sms: `Berkas: ${what} ini sudah terdaftar pada akun lain. Bila bukan Anda, datang ke DPMPTSP membawa ${whom}.`,
  };
}

export function invitation(company: string, code: string): Wording {
  return {
    subject: `Undangan ${company} di Berkas / Invitation to ${company} on Berkas`,
    email: [
      `${company} menambahkan Anda sebagai anggota akun perusahaannya di Berkas.`,
      `Untuk menerima, masukkan kode ${code} dan pilih kata sandi Anda (berlaku ${INVITATION_HOURS} jam).`,
      `${NEVER_SHARE_ID} Jika Anda tidak mengenal perusahaan ini, abaikan email ini.`,
      '',
      `${company} added you as a member of its company account on Berkas.`,
      `To accept, enter the code ${code} and choose your password (valid for ${INVITATION_HOURS} hours).`,
      `${NEVER_SHARE_EN} If you do not know this company, ignore this email.`,
    ].join('\n'),
    sms: `Berkas: ${company} mengundang Anda. Kode ${code} (${INVITATION_HOURS} jam). JANGAN berikan ke siapa pun.`,
  };
}

export const PASSWORD_RESET_MINUTES = 15;

export function passwordResetCode(code: string): Wording {
  return {
    subject: 'Atur ulang kata sandi Berkas / Reset your Berkas password',
    email: [
      `Kode untuk mengatur ulang kata sandi Berkas Anda: ${code}`,
      `Berlaku ${PASSWORD_RESET_MINUTES} menit. ${NEVER_SHARE_ID}`,
      'Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah.',
      '',
      `The code to reset your Berkas password: ${code}`,
      `Valid for ${PASSWORD_RESET_MINUTES} minutes. ${NEVER_SHARE_EN}`,
      'If you did not ask for it, ignore this email: your password is unchanged.',
    ].join('\n'),
    sms: `Berkas: kode atur ulang kata sandi ${code} (${PASSWORD_RESET_MINUTES} mnt). JANGAN berikan ke siapa pun.`,
  };
}

/** An officer's password is reset by the agency's admin, who also checks who is asking. */
export function officerResetNotice(): Wording {
  return {
    subject: 'Atur ulang kata sandi Berkas / Reset your Berkas password',
    email: [
      'Seseorang, mungkin Anda, meminta pengaturan ulang kata sandi akun petugas ini. Kata sandi petugas',
      'diatur ulang oleh admin instansi Anda: hubungi mereka. Jika bukan Anda, abaikan email ini.',
      '',
      "Someone, perhaps you, asked to reset this officer account's password. Officers' passwords are",
      "reset by the agency's admin: contact them. If it was not you, ignore this email.",
    ].join('\n'),
    sms: 'Berkas: kata sandi petugas diatur ulang oleh admin instansi Anda. Bila bukan Anda yang meminta, abaikan.',
  };
}

export function passwordChanged(): Wording {
  return {
    subject: 'Kata sandi Berkas diubah / Your Berkas password was changed',
    email: [
      'Kata sandi akun Berkas Anda baru saja diubah, dan semua sesi lain telah keluar.',
      'Jika bukan Anda yang mengubahnya, atur ulang kata sandi sekarang dan hubungi DPMPTSP.',
      '',
      'The password of your Berkas account was just changed, and every other session signed out.',
      'If you did not change it, reset your password now and contact DPMPTSP.',
    ].join('\n'),
    sms: 'Berkas: kata sandi Anda baru diubah. Bila bukan Anda, atur ulang segera dan hubungi DPMPTSP.',
  };
}

export const CLAIM_CODE_DAYS = 30;

/** A walk-in's file was entered at a counter: the code to take the account over online. */
export function claimCode(code: string, trackingNumber: string, office: string): Wording {
  return {
    subject: `Permohonan ${trackingNumber} di Berkas / Your application on Berkas`,
    email: [
      `Permohonan Anda telah diterima di loket ${office} dengan nomor lacak ${trackingNumber}.`,
      'Untuk mengikutinya dari ponsel Anda, buka Berkas, pilih "Klaim permohonan dari loket", masukkan',
      `nomor lacak itu dan kode ${code}, lalu pilih kata sandi Anda (kode berlaku ${CLAIM_CODE_DAYS} hari).`,
      NEVER_SHARE_ID,
      '',
      `Your application was received at the ${office} counter with tracking number ${trackingNumber}.`,
      'To follow it from your phone, open Berkas, choose "Claim an application from the counter", enter',
      `that number and the code ${code}, then choose your password (the code is valid for ${CLAIM_CODE_DAYS} days).`,
      NEVER_SHARE_EN,
    ].join('\n'),
    sms: `Berkas: permohonan ${trackingNumber} diterima. Klaim akun di Berkas dgn kode ${code} (${CLAIM_CODE_DAYS} hr). JANGAN berikan ke siapa pun.`,
  };
}

/** A file entered at a counter for someone who already has an account: it is in their account. */
export function counterEntryNotice(trackingNumber: string, office: string): Wording {
  return {
    subject: `Permohonan ${trackingNumber} di Berkas / Your application on Berkas`,
    email: [
      `Permohonan Anda telah diterima di loket ${office} dengan nomor lacak ${trackingNumber}.`,
      'Permohonan itu ada di akun Berkas Anda: masuk untuk mengikutinya.',
      'Jika Anda tidak datang ke loket, hubungi kantor tersebut.',
      '',
      `Your application was received at the ${office} counter with tracking number ${trackingNumber}.`,
      'It is in your Berkas account: sign in to follow it. If you did not visit the counter, contact that office.',
    ].join('\n'),
    sms: `Berkas: permohonan ${trackingNumber} diterima di loket ${office}; lihat di akun Anda.`,
  };
}

/** Someone registers with the NIK of an account a counter opened and nobody has claimed yet. */
export function claimInstead(): Wording {
  return {
    subject: 'Pendaftaran Berkas / Berkas registration',
    email: [
      'NIK yang Anda daftarkan sudah memiliki akun yang dibuat petugas loket, jadi akun baru tidak dibuat.',
      'Pilih "Klaim permohonan dari loket" di Berkas dan masukkan nomor lacak dari tanda terima Anda.',
      '',
      'The NIK you registered with has an account an officer opened at a counter, so no new account was made.',
      'Choose "Claim an application from the counter" on Berkas and enter the tracking number on your receipt.',
    ].join('\n'),
    sms: 'Berkas: NIK ini sudah punya akun dari loket. Klaim dengan nomor lacak di tanda terima Anda.',
  };
}
