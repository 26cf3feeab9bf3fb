import { loginNameOf, normalizePhone } from './contact';
import { passwordProblem } from './password-policy';

describe('sign-in names', () => {
  it('reads NIPs, phones and emails in one canonical form', () => {
    expect(loginNameOf(' 19850330 201001 1 002 ')).toBe('198503302010011002');
    expect(loginNameOf('0812-3456-7890')).toBe('+6281234567890');
    expect(loginNameOf('+62 812 3456 7890')).toBe('+6281234567890');
    expect(loginNameOf('6281234567890')).toBe('+6281234567890');
    expect(loginNameOf('Siti.Rahma@Example.ID ')).toBe('siti.rahma@example.id');
    expect(loginNameOf('hello')).toBeNull();
  });

  it('refuses what is not an Indonesian phone number', () => {
    expect(normalizePhone('0812')).toBeNull();
    expect(normalizePhone('+1 202 555 0100')).toBeNull();
    expect(normalizePhone('00812345678')).toBeNull();
  });
});

describe('password policy', () => {
  it('wants long, uncommon passwords that do not repeat the sign-in name', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
    expect(passwordProblem('Password123')).toMatch(/too common/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/too common/);
    expect(passwordProblem('siti.rahma-2026!', ['siti.rahma@example.id'])).toMatch(/must not contain/);
    expect(passwordProblem('kopi tubruk di pagi hari')).toBeNull();
  });
});
