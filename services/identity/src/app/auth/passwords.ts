import argon2 from 'argon2';

/** argon2id with the OWASP 2023 minimum (19 MiB, 2 passes, 1 lane): ~35 ms here, costly for an attacker. */
const PARAMS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, PARAMS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when the hash was made with weaker settings than today's, so it is re-hashed at next sign-in. */
export const needsRehash = (hash: string): boolean => argon2.needsRehash(hash, PARAMS);

/** Verified against when the user does not exist, so both paths take the same time. */
let dummyHash: Promise<string> | null = null;
export const dummyPasswordHash = (): Promise<string> =>
  (dummyHash ??= hashPassword('berkas-dummy-password-for-timing'));
