/**
 * Structural validation of Indonesian identity numbers. These checks catch typos and made-up
 * numbers; they do not prove a number was issued (that needs Dukcapil / BKN / OSS look-ups).
 */

export type Gender = 'male' | 'female';

/** A parsed number, or why it is not valid, for the person who typed it. */
export type CheckResult<T> = { valid: true; value: T } | { valid: false; reason: string };

const fail = <T>(reason: string): CheckResult<T> => ({ valid: false, reason });

/** A real calendar date, or null (31 February is not). */
function calendarDate(year: number, month: number, day: number): Date | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : null;
}

function ageOn(birth: Date, on: Date): number {
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  if (
    on.getUTCMonth() < birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate())
  ) {
    age--;
  }
  return age;
}

/** Only digits; spaces, dots and dashes people type between groups are dropped. */
export function normalizeDigits(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

export interface Nip {
  birthDate: Date;
  /** Civil servants (PNS) carry the appointment month; contract staff (PPPK) a period count instead. */
  employment: 'pns' | 'pppk';
  appointmentYear: number;
  appointmentMonth?: number;
  pppkPeriod?: number;
  gender: Gender;
  sequence: number;
}

const MIN_WORKING_AGE = 17;

/**
 * NIP (Nomor Induk Pegawai), 18 digits: birth date YYYYMMDD, appointment YYYY + MM (PNS) or a period
 * count of 21 or more (PPPK), gender digit (1 male, 2 female), 3-digit sequence.
 */
export function parseNip(input: string, today = new Date()): CheckResult<Nip> {
  const nip = normalizeDigits(input);
  if (!/^\d{18}$/.test(nip)) return fail('NIP must be 18 digits');
  const birthDate = calendarDate(+nip.slice(0, 4), +nip.slice(4, 6), +nip.slice(6, 8));
  if (!birthDate) return fail('NIP digits 1-8 are not a real birth date (YYYYMMDD)');
  if (birthDate.getUTCFullYear() < 1940 || ageOn(birthDate, today) < MIN_WORKING_AGE) {
    return fail('NIP birth date is outside working age');
  }
  const appointmentYear = +nip.slice(8, 12);
  const monthOrPeriod = +nip.slice(12, 14);
  const genderDigit = nip[14];
  const sequence = +nip.slice(15, 18);
  if (genderDigit !== '1' && genderDigit !== '2') return fail('NIP digit 15 must be 1 (male) or 2 (female)');
  if (sequence === 0) return fail('NIP sequence (digits 16-18) cannot be 000');
  if (appointmentYear > today.getUTCFullYear()) return fail('NIP appointment year is in the future');
  if (appointmentYear < birthDate.getUTCFullYear() + MIN_WORKING_AGE) {
    return fail('NIP appointment year is before the person could have been appointed');
  }
  const gender: Gender = genderDigit === '1' ? 'male' : 'female';
  if (monthOrPeriod >= 1 && monthOrPeriod <= 12) {
    const appointed = Date.UTC(appointmentYear, monthOrPeriod - 1, 1);
    if (appointed > today.getTime()) return fail('NIP appointment month is in the future');
    return {
      valid: true,
      value: {
        birthDate,
        employment: 'pns',
        appointmentYear,
        appointmentMonth: monthOrPeriod,
        gender,
        sequence,
      },
    };
  }
  if (monthOrPeriod >= 21) {
    return {
      valid: true,
      value: { birthDate, employment: 'pppk', appointmentYear, pppkPeriod: monthOrPeriod, gender, sequence },
    };
  }
  return fail('NIP digits 13-14 must be an appointment month (01-12) or a PPPK period (21 or more)');
}

/** Province codes (Kemendagri), including the Papua provinces formed in 2022. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73,
  74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
]);

export interface Nik {
  /** Province + regency/city + district, e.g. 327104. */
  regionCode: string;
  /** The kota/kabupaten part (BPS style, 4 digits), e.g. 3271 for Kota Bogor. */
  regencyCode: string;
  birthDate: Date;
  gender: Gender;
  sequence: number;
}

/**
 * NIK (Nomor Induk Kependudukan), 16 digits: region code (province, regency/city, district: 2+2+2),
 * birth date DDMMYY with 40 added to the day for women, 4-digit sequence.
 */
export function parseNik(input: string, today = new Date()): CheckResult<Nik> {
  const nik = normalizeDigits(input);
  if (!/^\d{16}$/.test(nik)) return fail('NIK must be 16 digits');
  if (!PROVINCES.has(+nik.slice(0, 2))) return fail('NIK digits 1-2 are not a province code');
  if (nik.slice(2, 4) === '00') return fail('NIK digits 3-4 are not a regency or city code');
  if (nik.slice(4, 6) === '00') return fail('NIK digits 5-6 are not a district code');
  let day = +nik.slice(6, 8);
  const gender: Gender = day > 40 ? 'female' : 'male';
  if (day > 40) day -= 40;
  const month = +nik.slice(8, 10);
  const yy = +nik.slice(10, 12);
  // Two-digit year: the latest century that does not put the birth in the future.
  let year = 2000 + yy;
  if (Date.UTC(year, month - 1, day) > today.getTime()) year -= 100;
  const birthDate = calendarDate(year, month, day);
  if (!birthDate) return fail('NIK digits 7-12 are not a real birth date (DDMMYY, day + 40 for women)');
  const sequence = +nik.slice(12, 16);
  if (sequence === 0) return fail('NIK sequence (digits 13-16) cannot be 0000');
  return {
    valid: true,
    value: { regionCode: nik.slice(0, 6), regencyCode: nik.slice(0, 4), birthDate, gender, sequence },
  };
}

/**
 * NIB (Nomor Induk Berusaha), 13 digits issued by OSS. No check digit is published, so the structure
 * checked is what is known: 13 digits, not starting with 0, not one digit repeated.
 */
export function parseNib(input: string): CheckResult<string> {
  const nib = normalizeDigits(input);
  if (!/^\d{13}$/.test(nib)) return fail('NIB must be 13 digits');
  if (nib[0] === '0') return fail('NIB cannot start with 0');
  if (/^(\d)\1{12}$/.test(nib)) return fail('NIB cannot be one digit repeated');
  return { valid: true, value: nib };
}
