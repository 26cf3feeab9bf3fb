import { parseNib, parseNik, parseNip } from '../../domain/identity-numbers';
import { passwordProblem } from '../../domain/password-policy';
import demo from './demo-data.json';

describe('demo data', () => {
  it('uses identity numbers and a password that pass the same checks as real input', () => {
    for (const s of demo.staff) expect({ nip: s.nip, ...parseNip(s.nip) }).toMatchObject({ valid: true });
    expect(parseNik(demo.person.nik)).toMatchObject({
      valid: true,
      value: { regencyCode: demo.region.code, gender: 'female' },
    });
    expect(parseNib(demo.company.nib).valid).toBe(true);
    expect(passwordProblem(demo.password)).toBeNull();
    expect(new Set(demo.staff.map((s) => s.nip)).size).toBe(demo.staff.length);
  });

  it('has an officer in every role and every staff agency declared', () => {
    const roles = new Set(demo.staff.flatMap((s) => s.roles));
    expect([...roles].sort()).toEqual([
      'agency-admin',
      'front-office',
      'reviewer',
      'supervisor',
      'system-admin',
      'verifier',
    ]);
    const codes = demo.agencies.map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['DPMPTSP', 'DPUPR', 'DLH', 'DINKES']));
    for (const s of demo.staff) expect(codes).toContain(s.agency);
  });
});
