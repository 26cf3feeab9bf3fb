import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { Jwk } from '@berkas/contracts';

/** What a permit's QR code carries, signed: enough to tell a real permit from a forged one offline. */
export interface SealedPermit {
  /** permit number */
  n: string;
  /** permit type code */
  t: string;
  /** holder name */
  h: string;
  /** issued (date) */
  i: string;
  /** valid until (date) or null */
  v: string | null;
}

// PKCS#8 header of an Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The permit seal: an Ed25519 key derived from PERMIT_SEAL_SECRET (so every replica signs with the
 * same key and no key file needs distributing). A code is `<payload>.<signature>`, both base64url.
 */
export class PermitSeal {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(secret: string) {
    const seed = Buffer.from(hkdfSync('sha256', secret, 'berkas', 'berkas:permit-seal:v1', 32));
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKey = createPublicKey(this.privateKey);
  }

  seal(permit: SealedPermit): string {
    const payload = Buffer.from(JSON.stringify(permit)).toString('base64url');
    return `${payload}.${sign(null, Buffer.from(payload), this.privateKey).toString('base64url')}`;
  }

  /** The sealed content when the signature holds; null for anything forged, altered or malformed. */
  open(code: string): SealedPermit | null {
    const [payload, signature, extra] = code.split('.');
    if (!payload || !signature || extra !== undefined) return null;
    try {
      if (!verify(null, Buffer.from(payload), this.publicKey, Buffer.from(signature, 'base64url')))
        return null;
      const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SealedPermit;
      return typeof value.n === 'string' && typeof value.h === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  /** The public key as a JWK (RFC 8037), named by its fingerprint, for verifying codes offline. */
  publicJwk(): Jwk {
    const { crv, x } = this.publicKey.export({ format: 'jwk' });
    return { kty: 'OKP', crv, x, kid: this.fingerprint(), alg: 'EdDSA', use: 'sig' };
  }

  /** A short fingerprint of the public key, printed on permits so a verifier knows which key to trust. */
  fingerprint(): string {
    return createHash('sha256')
      .update(this.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 16);
  }
}
