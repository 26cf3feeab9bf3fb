import { phoneE164 } from './input-rules';

describe('phoneE164', () => {
  it('reads an Indonesian mobile number however it is written', () => {
    for (const typed of [
      '0812 3456 7890',
      '0812-3456-7890',
      '62812.3456.7890',
      '+62 812 3456 7890',
      '(0812) 34567890',
    ])
      expect(phoneE164(typed)).toBe('+6281234567890');
  });

  it('refuses what is no Indonesian mobile number', () => {
    for (const typed of ['021 555 1234', '0812', '+1 202 555 0100', 'nol delapan', '08123456789012345'])
      expect(phoneE164(typed)).toBeNull();
  });
});
