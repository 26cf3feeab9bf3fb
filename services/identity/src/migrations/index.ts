import { CreateIdentitySchema1763910000000 } from './1763910000000-CreateIdentitySchema';
import { NoDelegatedSystemAdmin1764300000000 } from './1764300000000-NoDelegatedSystemAdmin';
import { SignInThrottles1764300000001 } from './1764300000001-SignInThrottles';
import { RegistrationByCode1764300000002 } from './1764300000002-RegistrationByCode';
import { CompanyAdminsAndPasswordResets1765000000000 } from './1765000000000-CompanyAdminsAndPasswordResets';
import { InitialPasswords1766000000000 } from './1766000000000-InitialPasswords';
import { CounterVisits1767000000000 } from './1767000000000-CounterVisits';
import { DelegationDecrees1767000000001 } from './1767000000001-DelegationDecrees';

/**
 * The identity service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const IDENTITY_MIGRATIONS = [
  CreateIdentitySchema1763910000000,
  NoDelegatedSystemAdmin1764300000000,
  SignInThrottles1764300000001,
  RegistrationByCode1764300000002,
  CompanyAdminsAndPasswordResets1765000000000,
  InitialPasswords1766000000000,
  CounterVisits1767000000000,
  DelegationDecrees1767000000001,
];
