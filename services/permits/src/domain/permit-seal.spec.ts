import { createPublicKey, verify } from 'node:crypto';
import { formatBillNumber, formatPermitNumber } from './permit-number';
import { PermitSeal } from './permit-seal';

describe('permit numbers and seals', () => {
  it('formats numbers the way agencies print them, one office of one region apart from another', () => {
    const bogor = { regionCode: '3271', agencyCode: 'DPMPTSP' };
    const number = (office: typeof bogor, sequence = 112) =>
      formatPermitNumber({ classification: '503', sequence, code: 'SIP', office, year: 2026 });
    expect(number(bogor)).toBe('503/0112/SIP/DPMPTSP-3271/2026');
    expect(number({ ...bogor, regionCode: '3201' })).not.toBe(number(bogor));
    expect(() => number(bogor, 0)).toThrow();
    expect(formatBillNumber({ regionCode: '3271', year: 2027, sequence: 12 })).toBe('RET/3271/2027/000012');
  });

  it('seals a permit so that any change, or another key, is detected', () => {
    const seal = new PermitSeal('a-secret-of-the-city-of-bogor-0123456789');
    const permit = {
      n: '503/0112/SIP/DPMPTSP/2026',
      t: 'SIP',
      h: 'Siti Aminah',
      i: '2026-11-23',
      v: '2031-11-23',
    };
    const code = seal.seal(permit);
    expect(seal.open(code)).toEqual(permit);
    // The same secret gives the same key on every replica.
    expect(new PermitSeal('a-secret-of-the-city-of-bogor-0123456789').open(code)).toEqual(permit);
    expect(new PermitSeal('another-secret-entirely-0123456789abcdef').open(code)).toBeNull();
    const [payload, signature] = code.split('.');
    const forged = Buffer.from(JSON.stringify({ ...permit, v: '2099-12-31' })).toString('base64url');
    expect(seal.open(`${forged}.${signature}`)).toBeNull();
    expect(seal.open(`${payload}.${signature}.x`)).toBeNull();
    expect(seal.open('garbage')).toBeNull();
    expect(seal.fingerprint()).toMatch(/^[0-9a-f]{16}$/);
    // The published JWK verifies the code without the secret, and names the fingerprint.
    const jwk = seal.publicJwk();
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: seal.fingerprint(), alg: 'EdDSA' });
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    expect(verify(null, Buffer.from(payload), key, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify(null, Buffer.from(forged), key, Buffer.from(signature, 'base64url'))).toBe(false);
  });
});
