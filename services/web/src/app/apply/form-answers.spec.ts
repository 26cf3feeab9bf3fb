import type { FormField } from '@berkas/contracts';
import { questionPages, readAnswers, shownAnswer, typedFrom, unanswered } from './form-answers';
import { questionViews } from './question-view';
import { RegionPlaces } from './region-places';

const label = (id: string) => ({ id, en: id });
const FORM: FormField[] = [
  { name: 'area', type: 'number', label: label('Luas'), required: true, minimum: 0.5, maximum: 1000 },
  { name: 'floors', type: 'integer', label: label('Jumlah lantai'), required: true },
  {
    name: 'str',
    type: 'string',
    label: label('Nomor STR'),
    required: true,
    pattern: '^[0-9]{6}$',
    maxLength: 6,
  },
  { name: 'kind', type: 'enum', label: label('Profesi'), required: true, options: ['dokter', 'bidan'] },
  { name: 'since', type: 'date', label: label('Sejak'), required: false },
  { name: 'owner', type: 'boolean', label: label('Milik sendiri'), required: false },
];

describe('the answers of a question page', () => {
  it('pages the questions three at a time', () => {
    expect(questionPages(FORM).map((p) => p.map((f) => f.name))).toEqual([
      ['area', 'floors', 'str'],
      ['kind', 'since', 'owner'],
    ]);
  });

  it('reads numbers typed with a decimal comma, real dates and yes/no', () => {
    const { values, errors } = readAnswers(
      FORM,
      {
        area: '2,5',
        floors: '3',
        str: '123456',
        kind: 'bidan',
        'since-day': '29',
        'since-month': '2',
        'since-year': '2024',
        owner: 'true',
      },
      'id',
    );
    expect(errors.any).toBe(false);
    expect(values).toEqual({
      area: 2.5,
      floors: 3,
      str: '123456',
      kind: 'bidan',
      since: '2024-02-29',
      owner: true,
    });
  });

  it('names each problem in the reader language, in page order, keeping what was typed', () => {
    const { typed, errors } = readAnswers(
      FORM,
      {
        area: '0',
        floors: '2,5',
        str: '12ab',
        kind: 'dukun',
        'since-day': '30',
        'since-month': '2',
        'since-year': '2024',
      },
      'id',
    );
    expect(errors.list.map((e) => e.href)).toEqual(['#area', '#floors', '#str', '#kind', '#since']);
    expect(errors.fields['area'].text).toBe('Luas paling kecil 0,5');
    expect(errors.fields['floors'].text).toMatch(/bilangan bulat/);
    expect(typed['floors']).toBe('2,5');
    const missing = readAnswers(FORM, {}, 'en').errors;
    expect(missing.list.map((e) => e.href)).toEqual(['#area', '#floors', '#str', '#kind']);
  });

  it('shows saved answers back as the reader writes them, and knows what is still unanswered', () => {
    expect(typedFrom(FORM, { area: 2.5, floors: 3 }, 'id')).toEqual({ area: '2,5', floors: '3' });
    expect(typedFrom(FORM, { area: 2.5 }, 'en')).toEqual({ area: '2.5' });
    expect(shownAnswer(FORM[0], 1234.5, 'id')).toBe('1.234,5');
    expect(shownAnswer(FORM[5], false, 'id')).toBe('Tidak');
    expect(unanswered(FORM, { area: 2, floors: 1 }).map((f) => f.name)).toEqual(['str', 'kind']);
  });

  it("asks for a place from the region's kelurahan, grouped by kecamatan, and names it back", () => {
    const site: FormField[] = [{ name: 'site', type: 'area', label: label('Kelurahan'), required: true }];
    const places = new RegionPlaces({
      regionCode: '3271',
      source: 'Kepmendagri',
      districts: [
        { code: '32.71.01', name: 'Bogor Selatan', villages: [{ code: '32.71.01.1001', name: 'Batutulis' }] },
        { code: '32.71.02', name: 'Bogor Timur', villages: [{ code: '32.71.02.1006', name: 'Tajur' }] },
      ],
    });
    expect(readAnswers(site, { site: '32.71.02.1006' }, 'id', places).values).toEqual({
      site: '32.71.02.1006',
    });
    // A kecamatan, another region's kelurahan or nothing at all is not an answer.
    for (const [posted, words] of [
      ['32.71.02', 'Pilih kelurahan dari daftar untuk Kelurahan'],
      ['31.71.01.1001', 'Pilih kelurahan dari daftar untuk Kelurahan'],
      ['', 'Pilih Kelurahan'],
    ])
      expect(readAnswers(site, { site: posted }, 'id', places).errors.fields['site']?.text).toBe(words);
    const [select] = questionViews(site, { site: '32.71.02.1006' }, 'en', places);
    expect(select).toMatchObject({
      control: 'select',
      prompt: 'Choose a kelurahan',
      groups: [
        { label: 'Bogor Selatan district', options: [{ value: '32.71.01.1001', selected: false }] },
        {
          label: 'Bogor Timur district',
          options: [{ value: '32.71.02.1006', text: 'Tajur', selected: true }],
        },
      ],
    });
    expect(shownAnswer(site[0], '32.71.01.1001', 'id', places)).toBe(
      'Kelurahan Batutulis, Kecamatan Bogor Selatan',
    );
    expect(places.has('32.71.01')).toBe(true);
    expect(places.has('32.71.03')).toBe(false);
  });
});
