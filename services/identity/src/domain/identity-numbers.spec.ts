import { parseNib, parseNik, parseNip, type CheckResult } from './identity-numbers';

const valueOf = <T>(r: CheckResult<T>) => (r.valid ? r.value : undefined);
const reasonOf = (r: CheckResult<unknown>) => (r.valid ? undefined : r.reason);

const today = new Date(Date.UTC(2026, 10, 23));

describe('NIP', () => {
  it.each([
    ['198503302010011002', 'pns', 'male'],
    ['199012152015032001', 'pns', 'female'],
    ['1985 0330 2010 01 1 002', 'pns', 'male'], // as printed on a card, with spaces
    ['199203142022212007', 'pppk', 'female'], // PPPK: period 21 where PNS carry the month
    ['198807072023221015', 'pppk', 'male'],
  ])('accepts %s', (nip, employment, gender) => {
    const r = parseNip(nip, today);
    expect(r).toMatchObject({ valid: true, value: { employment, gender } });
  });

  it('reads its parts', () => {
    expect(valueOf(parseNip('198503302010011002', today))).toEqual({
      birthDate: new Date(Date.UTC(1985, 2, 30)),
      employment: 'pns',
      appointmentYear: 2010,
      appointmentMonth: 1,
      gender: 'male',
      sequence: 2,
    });
  });

  it.each([
    ['19850330201001100', /18 digits/],
    ['19850330201001100A', /18 digits/],
    ['198502302010011002', /real birth date/], // 30 February
    ['198513012010011002', /real birth date/], // month 13
    ['193005012010011002', /working age/],
    ['201501012010011002', /working age/], // a child
    ['198503302010013002', /1 \(male\) or 2/],
    ['198503302010011000', /cannot be 000/],
    ['198503302030011002', /appointment year is in the future/],
    ['198503301999011002', /before the person could have been appointed/],
    ['198503302026121002', /appointment month is in the future/],
    ['198503302010001002', /appointment month \(01-12\) or a PPPK period/],
    ['198503302010151002', /appointment month \(01-12\) or a PPPK period/],
  ])('rejects %s', (nip, reason) => {
    const r = parseNip(nip, today);
    expect(r.valid).toBe(false);
    expect(reasonOf(r)).toMatch(reason);
  });
});

describe('NIK', () => {
  it('reads a man born on 12 March 1990 in Kota Bogor', () => {
    expect(parseNik('3271041203900001', today)).toEqual({
      valid: true,
      value: {
        regionCode: '327104',
        regencyCode: '3271',
        birthDate: new Date(Date.UTC(1990, 2, 12)),
        gender: 'male',
        sequence: 1,
      },
    });
  });

  it('applies the +40 rule for women', () => {
    expect(valueOf(parseNik('3271045203900002', today))).toMatchObject({
      gender: 'female',
      birthDate: new Date(Date.UTC(1990, 2, 12)),
    });
  });

  it('puts a two-digit year in the latest century that is not in the future', () => {
    expect(valueOf(parseNik('3201010101050003', today))?.birthDate).toEqual(new Date(Date.UTC(2005, 0, 1)));
    expect(valueOf(parseNik('3201010101300003', today))?.birthDate).toEqual(new Date(Date.UTC(1930, 0, 1)));
  });

  it('accepts the new Papua provinces and spaced input', () => {
    expect(parseNik('9601011505880001', today).valid).toBe(true);
    expect(parseNik('3271 0412 0390 0001', today).valid).toBe(true);
  });

  it.each([
    ['327104120390001', /16 digits/],
    ['3271041203900x01', /16 digits/],
    ['2071041203900001', /province code/], // 20 is not a province
    ['3200041203900001', /regency or city code/],
    ['3271001203900001', /district code/],
    ['3271043202900001', /real birth date/], // day 32
    ['3271047203900001', /real birth date/], // women: 72 - 40 = 32
    ['3271043102900001', /real birth date/], // 31 February
    ['3271041213900001', /real birth date/], // month 13
    ['3271041203900000', /cannot be 0000/],
  ])('rejects %s', (nik, reason) => {
    const r = parseNik(nik, today);
    expect(r.valid).toBe(false);
    expect(reasonOf(r)).toMatch(reason);
  });
});

describe('NIB', () => {
  it('accepts a 13-digit number', () => {
    expect(parseNib('9120 0012 3456 7')).toEqual({ valid: true, value: '9120001234567' });
  });

  it.each([
    ['912000123456', /13 digits/],
    ['91200012345678', /13 digits/],
    ['0120001234567', /start with 0/],
    ['1111111111111', /repeated/],
    ['91200O1234567', /13 digits/], // letter O for zero
  ])('rejects %s', (nib, reason) => {
    expect(parseNib(nib)).toMatchObject({ valid: false, reason: expect.stringMatching(reason) });
  });
});
