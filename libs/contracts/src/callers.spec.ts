import { callerAllowed, callersOf, type Caller } from './callers';

const applicant: Caller = { kind: 'user', principal: { kind: 'applicant', id: 'a' } };
const frontOffice: Caller = { kind: 'user', principal: { kind: 'staff', id: 'f', roles: ['front-office'] } };
const plhSupervisor: Caller = {
  kind: 'user',
  principal: {
    kind: 'staff',
    id: 'p',
    roles: ['reviewer'],
    acting: [
      {
        delegationId: '00000000-0000-4000-8000-000000000001',
        kind: 'plh',
        holderId: '00000000-0000-4000-8000-000000000002',
        holderName: 'Sri',
        agencyId: '00000000-0000-4000-8000-000000000003',
        agencyCode: 'DPMPTSP',
        roles: ['supervisor', 'system-admin'],
        until: new Date(Date.now() + 3600_000).toISOString(),
      },
    ],
  },
};

describe('who may call a subject', () => {
  it('answers each kind of caller as the declaration says', () => {
    const activate = callersOf('tracking.dossiers.activate'); // services: [permits]
    expect(callerAllowed(activate, { kind: 'service', service: 'permits' })).toBe('ok');
    expect(callerAllowed(activate, { kind: 'service', service: 'tracking' })).toBe(403);
    expect(callerAllowed(activate, frontOffice)).toBe(403);
    expect(callerAllowed(activate, { kind: 'anonymous' })).toBe(401);

    const publicView = callersOf('tracking.dossiers.public-view'); // anonymous
    for (const caller of [applicant, frontOffice, { kind: 'anonymous' } as Caller])
      expect(callerAllowed(publicView, caller)).toBe('ok');

    const revoke = callersOf('permits.permits.revoke'); // users: [supervisor]
    expect(callerAllowed(revoke, frontOffice)).toBe(403);
    expect(callerAllowed(revoke, applicant)).toBe(403);
    expect(callerAllowed(revoke, plhSupervisor)).toBe('ok'); // acting, while the delegation runs

    const rotate = callersOf('identity.keys.rotate'); // users: [system-admin]
    expect(callerAllowed(rotate, plhSupervisor)).toBe(403); // system-admin is never delegated
    expect(callersOf('identity.service-tokens.permits')).toEqual({ natsUser: 'permits' });
  });
});
