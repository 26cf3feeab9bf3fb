import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormField } from '@berkas/contracts';
import { areaNamed, formProblems } from './application-form';

const types = JSON.parse(readFileSync(join(__dirname, '../../data/permit-types.json'), 'utf8')) as Array<{
  code: string;
  form: FormField[];
}>;
const pbg = types.find((t) => t.code === 'PBG')!.form;

describe('application forms', () => {
  const good = {
    buildingFunction: 'hunian',
    address: 'Jl. Pajajaran 10, Bogor',
    siteArea: '32.71.02.1002',
    floorArea: 120,
    floors: 2,
    buildingIndex: 1.2,
    landCertificate: 'SHM-1234/2019',
  };

  /** Two kelurahan of Bogor Timur: the places this spec's region has. */
  const region = { regionCode: '3271', villages: new Set(['32.71.02.1002', '32.71.02.1006']) };

  it('accepts a complete PBG form and a partial draft', () => {
    expect(formProblems(pbg, good, true, region)).toEqual([]);
    expect(formProblems(pbg, { address: 'Jl. Pajajaran 10' }, false, region)).toEqual([]);
  });

  it("takes only a kelurahan of the application's region as the site, and says so", () => {
    const elsewhere = formProblems(pbg, { ...good, siteArea: '32.71.01.1001' }, true, region);
    expect(elsewhere).toEqual([{ path: '/form/siteArea', message: 'is not a kelurahan/desa of the region' }]);
    // A kecamatan is not a place a building stands on; a region without a list takes no answer.
    expect(formProblems(pbg, { ...good, siteArea: '32.71.02' }, true, region)).toHaveLength(1);
    // A region this release has no list for asks where without requiring it; a code must be of the region.
    const unlisted = { regionCode: '3276', villages: null };
    expect(formProblems(pbg, { ...good, siteArea: '32.76.01.1001' }, true, unlisted)).toEqual([]);
    const { siteArea: _site, ...unplaced } = good;
    expect(formProblems(pbg, unplaced, true, unlisted)).toEqual([]);
    expect(formProblems(pbg, good, true, unlisted)).toEqual([
      { path: '/form/siteArea', message: 'is not a kelurahan/desa of the region' },
    ]);
    const { siteArea: _, ...noSite } = good;
    expect(formProblems(pbg, noSite, true, region)).toEqual([
      { path: '/form/siteArea', message: 'is required' },
    ]);
    // The same form checked against another region's list is held to that list, not the first one's.
    const selatan = { regionCode: '3271', villages: new Set(['32.71.01.1001']) };
    expect(formProblems(pbg, good, true, selatan)).toHaveLength(1);
    expect(formProblems(pbg, good, true, region)).toEqual([]);
    expect(areaNamed(pbg, good)).toBe('32.71.02.1002');
    expect(areaNamed(pbg, noSite)).toBeNull();
  });

  it('names each wrong, missing or unknown field', () => {
    const problems = formProblems(
      pbg,
      {
        ...good,
        floors: 2.5,
        buildingFunction: 'kandang',
        landCertificate: '<b>',
        color: 'red',
        floorArea: undefined,
      },
      true,
      region,
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      '/form/buildingFunction',
      '/form/color',
      '/form/floorArea',
      '/form/floors',
      '/form/landCertificate',
    ]);
    expect(problems.find((p) => p.path === '/form/color')?.message).toBe('is not a field of this form');
  });

  it('ships valid demo catalog forms', () => {
    expect(types.map((t) => t.code)).toEqual(['PBG', 'REKLAME', 'SIP']);
  });
});
