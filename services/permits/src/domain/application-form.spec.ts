import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormField } from '@berkas/contracts';
import { formProblems } from './application-form';

const types = JSON.parse(readFileSync(join(__dirname, '../../data/permit-types.json'), 'utf8')) as Array<{
  code: string;
  form: FormField[];
}>;
const pbg = types.find((t) => t.code === 'PBG')!.form;

describe('application forms', () => {
  const good = {
    buildingFunction: 'hunian',
    address: 'Jl. Pajajaran 10, Bogor',
    floorArea: 120,
    floors: 2,
    buildingIndex: 1.2,
    landCertificate: 'SHM-1234/2019',
  };

  it('accepts a complete PBG form and a partial draft', () => {
    expect(formProblems(pbg, good, true)).toEqual([]);
    expect(formProblems(pbg, { address: 'Jl. Pajajaran 10' }, false)).toEqual([]);
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
