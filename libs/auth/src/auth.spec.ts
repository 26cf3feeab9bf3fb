import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type KeyLike } from 'jose';
import type { Principal } from '@berkas/contracts';
import type { NatsConnection } from 'nats';
import { NatsEnv } from '@berkas/config';
import { RequestContext } from '@berkas/observability';
import {
  capacityFor,
  canSeeRegion,
  claimsFor,
  requireRole,
  RevocationList,
  TokenVerifier,
  type JwksSource,
} from './index';

const officer: Principal = {
  kind: 'staff',
  id: randomUUID(),
  name: 'Rina',
  agencyId: randomUUID(),
  agencyCode: 'DPMPTSP',
  region: '3271',
  roles: ['front-office'],
};

class KeyRing implements JwksSource {
  keys: Array<{ kid: string; privateKey: KeyLike; jwk: object }> = [];
  loads = 0;
  async add(): Promise<{ kid: string; privateKey: KeyLike }> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const key = {
      kid: randomUUID(),
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), alg: 'EdDSA', use: 'sig' },
    };
    this.keys.push({ ...key, jwk: { ...key.jwk, kid: key.kid } });
    return key;
  }
  async load(): Promise<JSONWebKeySet> {
    this.loads++;
    return { keys: this.keys.map((k) => k.jwk) } as JSONWebKeySet;
  }
}

function sign(
  key: { kid: string; privateKey: KeyLike },
  principal: Principal,
  exp = '15m',
  extra: object = {},
) {
  return new SignJWT({ ...claimsFor(principal), ...extra })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer('berkas-identity')
    .setAudience('berkas')
    .setSubject(principal.id)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key.privateKey);
}

describe('TokenVerifier', () => {
  it('verifies a token locally and reads the principal from it', async () => {
    const ring = new KeyRing();
    const key = await ring.add();
    const verifier = new TokenVerifier(ring);
    await expect(verifier.verify(await sign(key, officer))).resolves.toEqual(officer);
    await verifier.verify(await sign(key, officer));
    expect(ring.loads).toBe(1); // cached: no round trip per request
  });

  it('refuses expired, unsigned, foreign-issuer and tampered tokens', async () => {
    const ring = new KeyRing();
    const key = await ring.add();
    const verifier = new TokenVerifier(ring);
    await expect(verifier.verify(await sign(key, officer, '-1m'))).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
      status: 401,
    });
    const good = await sign(key, officer);
    const [, payload, signature] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${payload}.`;
    await expect(verifier.verify(none)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const forgedBody = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        principal: { kind: 'staff', roles: ['system-admin'] },
      }),
    ).toString('base64url');
    await expect(verifier.verify(`${good.split('.')[0]}.${forgedBody}.${signature}`)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const foreign = await new SignJWT({ ...claimsFor(officer) })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer('someone-else')
      .setAudience('berkas')
      .setSubject(officer.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await expect(verifier.verify(foreign)).rejects.toMatchObject({ status: 401 });
    // A token whose principal breaks the contract is refused even with a good signature.
    await expect(
      verifier.verify(await sign(key, { ...officer, roles: ['mayor' as never] })),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('picks up a key rotated in the same millisecond as the last fetch of the key set', async () => {
    const ring = new KeyRing();
    const old = await ring.add();
    const verifier = new TokenVerifier(ring);
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now()); // a fast machine: one millisecond
    try {
      await verifier.verify(await sign(old, officer));
      const rotated = await ring.add();
      await expect(verifier.verify(await sign(rotated, officer))).resolves.toMatchObject({ id: officer.id });
    } finally {
      now.mockRestore();
    }
  });

  it('picks up a freshly rotated key once, and does not let forged key ids flood the key source', async () => {
    const ring = new KeyRing();
    const old = await ring.add();
    const verifier = new TokenVerifier(ring);
    await verifier.verify(await sign(old, officer));
    const rotated = await ring.add();
    await expect(verifier.verify(await sign(rotated, officer))).resolves.toMatchObject({ id: officer.id });
    await expect(verifier.verify(await sign(old, officer))).resolves.toMatchObject({ id: officer.id });
    const loadsBefore = ring.loads;
    const stranger = {
      kid: randomUUID(),
      privateKey: (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey,
    };
    const forged = await Promise.all(Array.from({ length: 5 }, () => sign(stranger, officer)));
    const results = await Promise.allSettled(forged.map((t) => verifier.verify(t)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(ring.loads - loadsBefore).toBeLessThanOrEqual(1);
  });
});

describe('roles and capacities', () => {
  const holderAgency = randomUUID();
  const acting: Principal = {
    ...officer,
    acting: [
      {
        delegationId: randomUUID(),
        kind: 'plt',
        holderId: randomUUID(),
        holderName: 'Sri',
        agencyId: holderAgency,
        agencyCode: 'DINKES',
        roles: ['supervisor'],
        until: new Date(Date.now() + 3600_000).toISOString(),
      },
    ],
  };

  it('counts own roles in the own agency and delegated roles in the holder’s agency only', () => {
    expect(capacityFor(officer, ['front-office'])).toEqual({ via: 'position' });
    expect(capacityFor(officer, ['front-office'], randomUUID())).toBeNull();
    expect(capacityFor(acting, ['supervisor'], holderAgency)).toMatchObject({
      via: 'delegation',
      acting: { agencyCode: 'DINKES' },
    });
    expect(capacityFor(acting, ['supervisor'], officer.agencyId)).toBeNull();
    const expired = {
      ...acting,
      acting: [{ ...acting.acting![0], until: new Date(Date.now() - 1000).toISOString() }],
    };
    expect(capacityFor(expired, ['supervisor'])).toBeNull();
  });

  it('refuses applicants staff roles, and answers 401 without a principal and 403 without the role', () => {
    expect(
      capacityFor({ kind: 'applicant', id: randomUUID(), roles: ['system-admin'] }, ['system-admin']),
    ).toBeNull();
    expect(() => requireRole(undefined, ['verifier'])).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requireRole(officer, ['verifier'])).toThrow(expect.objectContaining({ status: 403 }));
    // A system-admin administers any agency but does not stand in for its officers.
    expect(requireRole({ ...officer, roles: ['system-admin'] }, ['agency-admin'], randomUUID())).toEqual({
      via: 'position',
    });
    expect(() => requireRole({ ...officer, roles: ['system-admin'] }, ['verifier'], randomUUID())).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('keeps officers to their region', () => {
    expect(canSeeRegion(officer, '3271')).toBe(true);
    expect(canSeeRegion(officer, '3201')).toBe(false);
    // No person: a service acting on its own (its token verified) sees all; nobody known sees nothing.
    expect(canSeeRegion(undefined, '3201')).toBe(false);
    expect(
      RequestContext.run({ requestId: 'r', service: 'permits' }, () => canSeeRegion(undefined, '3201')),
    ).toBe(true);
    expect(canSeeRegion({ kind: 'applicant', id: randomUUID() }, '3271')).toBe(false);
  });
});

describe('TokenVerifier remembering tokens it verified', () => {
  it('answers a token again without checking it, until it expires, its sign-in ends or its key goes', async () => {
    const ring = new KeyRing();
    const key = await ring.add();
    const revocations = new RevocationList({} as NatsConnection, new NatsEnv());
    const verifier = new TokenVerifier(ring, revocations);
    const token = await sign(key, officer, '5m', { sid: randomUUID() });
    const first = await verifier.verify(token);
    // Remembered: a second answer comes without a signature check, and is a copy of its own.
    const check = jest.spyOn(verifier as unknown as { remembered: () => unknown }, 'remembered');
    const again = await verifier.verify(token);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(check).toHaveBeenCalledTimes(1);
    check.mockRestore();

    // Past its expiry and the clock tolerance (before the key set's own refresh) it is checked
    // again, and refused.
    jest.useFakeTimers({ advanceTimers: true, now: Date.now() + 6 * 60_000 });
    try {
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    } finally {
      jest.useRealTimers();
    }

    // A sign-in that ends is refused at once, remembered or not.
    const other = await sign(key, officer, '15m', { sid: randomUUID() });
    await verifier.verify(other);
    const sid = JSON.parse(Buffer.from(other.split('.')[1], 'base64url').toString()).sid;
    revocations.apply({
      reason: 'logout',
      sessionId: sid,
      notBefore: new Date(Date.now() + 1000).toISOString(),
    });
    await expect(verifier.verify(other)).rejects.toMatchObject({ code: 'SESSION_REVOKED' });

    // A key taken out of the set stops its remembered tokens when the set is reloaded.
    const kept = await sign(key, officer);
    await verifier.verify(kept);
    ring.keys = [];
    await ring.add();
    verifier.invalidate();
    await expect(verifier.verify(kept)).rejects.toMatchObject({ status: 401 });
  });
});

describe('revocation list', () => {
  const list = () => new RevocationList({} as NatsConnection, new NatsEnv());
  const issuedAt = (ms: number) => ms / 1000;

  it('refuses every token of a signed-out session, and a principal’s or agency’s tokens issued before the revocation', () => {
    const revocations = list();
    const now = Date.now();
    const officerToken = {
      sid: randomUUID(),
      sub: officer.id,
      agencyId: officer.agencyId,
      iat: issuedAt(now - 5),
    };
    expect(revocations.isRevoked(officerToken)).toBe(false);
    revocations.apply({
      reason: 'logout',
      sessionId: officerToken.sid,
      notBefore: new Date(now).toISOString(),
    });
    expect(revocations.isRevoked(officerToken)).toBe(true);
    expect(revocations.isRevoked({ ...officerToken, sid: randomUUID(), iat: issuedAt(now + 5) })).toBe(false);

    revocations.apply({
      reason: 'deactivated',
      principalId: officer.id,
      notBefore: new Date(now).toISOString(),
    });
    expect(revocations.isRevoked({ ...officerToken, sid: undefined })).toBe(true); // 5 ms before
    expect(revocations.isRevoked({ ...officerToken, sid: undefined, iat: issuedAt(now + 1) })).toBe(false);

    const colleague = { sub: randomUUID(), agencyId: officer.agencyId, iat: issuedAt(now - 1) };
    expect(revocations.isRevoked(colleague)).toBe(false);
    revocations.apply({
      reason: 'agency-closed',
      agencyId: officer.agencyId!,
      notBefore: new Date(now).toISOString(),
    });
    expect(revocations.isRevoked(colleague)).toBe(true);
  });
});
