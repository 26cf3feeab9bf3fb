import type { JWTPayload } from 'jose';
import { assertSchema, type Principal } from '@berkas/contracts';

export const TOKEN_ISSUER = 'berkas-identity';
export const TOKEN_AUDIENCE = 'berkas';
export const TOKEN_ALGORITHM = 'EdDSA';

/** The principal travels in one private claim; `sub` holds its id. */
export interface AccessTokenPayload extends JWTPayload {
  sub: string;
  principal: Omit<Principal, 'id'>;
}

export function claimsFor(principal: Principal): Pick<AccessTokenPayload, 'sub' | 'principal'> {
  const { id, ...rest } = principal;
  return { sub: id, principal: rest };
}

/** Reads the principal out of a verified payload, checking it against proto/ like any other input. */
export function principalFromPayload(payload: JWTPayload): Principal {
  const claim = (payload as Partial<AccessTokenPayload>).principal;
  return assertSchema<Principal>('Principal', { ...(claim ?? {}), id: payload.sub }, 'token principal');
}
