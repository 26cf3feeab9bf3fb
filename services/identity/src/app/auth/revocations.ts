import type { EntityManager } from 'typeorm';
import type { SessionsRevoked } from '@berkas/contracts';
import type { Outbox } from '@berkas/messaging';

/**
 * Tells every service, through the event stream, that tokens of a sign-in, a principal or an
 * agency are revoked as of now (RevocationList in @berkas/auth refuses them from then on). Written
 * in the transaction of the change itself, so a committed sign-out is never forgotten.
 */
export async function announceRevocation(
  outbox: Outbox,
  m: EntityManager,
  revoked: Omit<SessionsRevoked, 'notBefore'>,
): Promise<void> {
  const subject = revoked.sessionId ?? revoked.principalId ?? revoked.agencyId;
  await outbox.add(
    m,
    'evt.identity.sessions-revoked',
    { ...revoked, notBefore: new Date().toISOString() },
    { source: '/berkas/identity', ...(subject ? { subject } : {}) },
  );
}
