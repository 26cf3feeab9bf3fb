import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  type Api,
  bearer,
  demo,
  ensureDemoFiles,
  officer,
  PDF,
  people,
  PNG,
  registerApplicant,
  SIP_FORM,
} from './support/api';
import { startSystem, type RunningSystem } from './support/system';

const WHO = [
  'anonymous',
  'applicant', // owns the application and dossier under test
  'otherApplicant',
  'companyStaff',
  'holdingOfficer', // front office of DPMPTSP, which holds the file
  'otherAgencyOfficer', // a DLH reviewer, not involved
  'otherRegionOfficer', // front office of DPMPTSP in another regency
  'otherRegionSupervisor', // supervisor of DPMPTSP in another regency: same agency code, no authority here
  'supervisor', // supervisor of DPMPTSP
  'agencyAdmin', // agency-admin (and supervisor) of DLH, not a system-admin
  'admin', // system-admin (and agency-admin of DPMPTSP)
] as const;
type Who = (typeof WHO)[number];
const APPLICANTS: Who[] = ['applicant', 'otherApplicant', 'companyStaff'];
const OFFICERS: Who[] = [
  'holdingOfficer',
  'otherAgencyOfficer',
  'otherRegionOfficer',
  'otherRegionSupervisor',
  'supervisor',
  'agencyAdmin',
  'admin',
];
const SIGNED_IN: Who[] = WHO.filter((w) => w !== 'anonymous');

const IN_REGION_OFFICERS = OFFICERS.filter((w) => !w.startsWith('otherRegion'));
/** Officers of another regency do not see this one's records at all. */
const OTHER_REGION_NOT_FOUND: Row['refused'] = {
  else: 403,
  otherRegionOfficer: 404,
  otherRegionSupervisor: 404,
};

/** Agency-admins read their region's directory (agencies, staff); system-admins administer it all. */
const ADMINS: Who[] = ['agencyAdmin', 'admin'];
/** The file's applicant and the officers of the agency holding it (its supervisor, its admin). */
const CUSTODY_CHAIN: Who[] = ['applicant', 'holdingOfficer', 'supervisor', 'admin'];

/** `ok`: allowed (any answer but 401/403/404); a number: exactly that status. */
type Cell = 'ok' | 401 | 403 | 404;
interface Row {
  route: string;
  /** Who may; the rest are refused with `refused` (per principal where it differs). */
  ok: Who[] | 'public';
  refused?: Cell | (Partial<Record<Who, Cell>> & { else: Cell });
  body?: (f: Fixtures) => object;
  path: (f: Fixtures) => string;
}
/** An applicant's own act: officers are refused (403), other applicants do not see it (404). */
const APPLICANT_ONLY: Row['refused'] = {
  else: 404,
  holdingOfficer: 403,
  supervisor: 403,
  admin: 403,
  otherAgencyOfficer: 403,
  otherRegionOfficer: 403,
  otherRegionSupervisor: 403,
  agencyAdmin: 403,
};
interface Fixtures {
  app: string;
  tn: string;
  task: string;
  doc: string;
  letter: string;
  handoff: string;
  issuedApp: string;
  agency: string;
  staff: string;
  delegation: string;
  verification: string;
  /** A member of companyStaff's company whom its admin (companyStaff) may remove. */
  member: string;
}

/**
 * Every route × every kind of principal, one expected answer per cell. Rows are sent in order and,
 * within a row, refused principals first, so an allowed call that changes something (a claim, a
 * refusal, a withdrawal) cannot make a later refusal pass for the wrong reason.
 */
const MATRIX: Row[] = [
  {
    route: 'POST /api/v1/auth/register',
    ok: 'public',
    path: () => '/api/v1/auth/register',
    body: () => ({ kind: 'person', name: 'Siti Lagi', email: demo.person.email, password: 'x' }),
  },
  {
    route: 'POST /api/v1/auth/register/confirm',
    ok: 'public',
    path: () => '/api/v1/auth/register/confirm',
    body: () => ({ login: 'nobody@example.id', code: '123456' }),
  },
  {
    route: 'POST /api/v1/auth/login',
    ok: 'public',
    path: () => '/api/v1/auth/login',
    // A name of its own per call: failures for one name from one client are soon paused (429).
    body: () => ({ username: `nobody-${randomUUID()}@example.id`, password: 'x' }),
  },
  {
    route: 'POST /api/v1/auth/refresh',
    ok: 'public',
    path: () => '/api/v1/auth/refresh',
    body: () => ({ refreshToken: 'r'.repeat(40) }),
  },
  {
    route: 'POST /api/v1/auth/logout',
    ok: 'public',
    path: () => '/api/v1/auth/logout',
    body: () => ({ refreshToken: 'r'.repeat(40) }),
  },
  { route: 'GET /.well-known/jwks.json', ok: 'public', path: () => '/.well-known/jwks.json' },
  { route: 'GET /api/v1/me', ok: SIGNED_IN, path: () => '/api/v1/me' },
  {
    route: 'POST /api/v1/auth/password-reset',
    ok: 'public',
    path: () => '/api/v1/auth/password-reset',
    body: () => ({ login: 'tidak.ada@warga.example.id' }),
  },
  {
    route: 'POST /api/v1/auth/password-reset/confirm',
    ok: 'public',
    path: () => '/api/v1/auth/password-reset/confirm',
    body: () => ({ login: 'tidak.ada@warga.example.id', code: '000000', password: 'kata sandi baru sekali' }),
  },
  {
    route: 'POST /api/v1/auth/password',
    ok: SIGNED_IN,
    path: () => '/api/v1/auth/password',
    // The current password is wrong for everyone: allowed to ask, and nobody's password changes.
    body: () => ({ currentPassword: 'bukan kata sandinya', newPassword: 'kata sandi baru sekali' }),
  },
  {
    route: 'POST /api/v1/auth/claim',
    ok: 'public',
    path: () => '/api/v1/auth/claim',
    body: () => ({
      trackingNumber: '3271-26-0000-0000-0',
      code: '000000',
      password: 'kata sandi baru sekali',
    }),
  },
  {
    route: 'POST /api/v1/auth/claim/code',
    ok: 'public',
    path: () => '/api/v1/auth/claim/code',
    body: () => ({ trackingNumber: '3271-26-0000-0000-0' }),
  },
  {
    route: 'POST /api/v1/counter/visits',
    ok: ['holdingOfficer', 'otherRegionOfficer'], // the front office, each at its own counter
    refused: 403,
    path: () => '/api/v1/counter/visits',
    body: () => ({ name: 'Warga Loket', nik: '3271046504900007', phone: '+6281270001001' }),
  },
  {
    route: 'GET /api/v1/company/members',
    ok: ['companyStaff'],
    refused: 403,
    path: () => '/api/v1/company/members',
  },
  {
    route: 'DELETE /api/v1/company/members/{id}',
    ok: ['companyStaff'],
    refused: 403,
    path: (f) => `/api/v1/company/members/${f.member}`,
  },
  {
    route: 'POST /api/v1/company/members',
    ok: ['companyStaff'],
    refused: 403,
    path: () => '/api/v1/company/members',
    body: () => ({ name: 'Rekan Baru', email: 'rekan.matrix@hujansejahtera.example.id' }),
  },
  { route: 'GET /api/v1/permit-types', ok: 'public', path: () => '/api/v1/permit-types' },
  { route: 'GET /api/v1/permit-types/{code}', ok: 'public', path: () => '/api/v1/permit-types/SIP' },
  {
    route: 'POST /api/v1/permit-types/{code}/levy-estimate',
    ok: 'public',
    path: () => '/api/v1/permit-types/REKLAME/levy-estimate',
    body: () => ({ values: { boardArea: 2, months: 3 } }),
  },
  { route: 'GET /api/v1/workflows/{code}', ok: 'public', path: () => '/api/v1/workflows/SIP' },
  { route: 'GET /api/v1/permits/seal-key', ok: 'public', path: () => '/api/v1/permits/seal-key' },
  { route: 'GET /api/v1/regions/{regionCode}/areas', ok: 'public', path: () => '/api/v1/regions/3271/areas' },
  {
    route: 'GET /api/v1/calendars/{regionCode}/{year}',
    ok: 'public',
    path: () => '/api/v1/calendars/3271/2026',
  },
  { route: 'GET /api/v1/track/{trackingNumber}', ok: 'public', path: (f) => `/api/v1/track/${f.tn}` },
  {
    route: 'GET /api/v1/permits/verify/{code}',
    ok: 'public',
    path: (f) => `/api/v1/permits/verify/${f.verification}`,
  },
  { route: 'GET /health', ok: 'public', path: () => '/health' },

  // Applications: the applicant (or their company) and officers of agencies the file passes through.
  {
    route: 'POST /api/v1/applications',
    ok: APPLICANTS,
    refused: 403,
    path: () => '/api/v1/applications',
    body: () => ({ permitType: 'SIP', regionCode: '3271' }),
  },
  { route: 'GET /api/v1/applications', ok: APPLICANTS, refused: 403, path: () => '/api/v1/applications' },
  {
    route: 'GET /api/v1/applications/{id}',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}`,
  },
  {
    route: 'GET /api/v1/applications/{id}/receipt.pdf',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}/receipt.pdf`,
  },
  {
    route: 'GET /api/v1/applications/{id}/bill.pdf',
    // The practice licence bills no levy: its viewers get 404 too (the billboard journey downloads one).
    ok: [],
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}/bill.pdf`,
  },
  {
    route: 'GET /api/v1/applications/{id}/documents',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}/documents`,
  },
  {
    route: 'PATCH /api/v1/applications/{id}',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}`,
    body: () => ({ form: SIP_FORM }),
  },
  {
    route: 'POST /api/v1/applications/{id}/documents',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}/documents`,
  },
  {
    route: 'DELETE /api/v1/applications/{id}/documents/{documentId}',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}/documents/${randomUUID()}`,
  },
  {
    route: 'POST /api/v1/applications/{id}/submit',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}/submit`,
  },
  {
    route: 'POST /api/v1/applications/{id}/resubmit',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}/resubmit`,
  },
  {
    route: 'POST /api/v1/applications/{id}/payments',
    ok: [],
    // Applicants are no callers of payments at all (403); officers not at the fee stage see no bill (404).
    refused: { else: 404, applicant: 403, otherApplicant: 403, companyStaff: 403 },
    path: (f) => `/api/v1/applications/${f.app}/payments`,
    body: () => ({ reference: 'BJB-0001' }),
  },
  {
    route: 'GET /api/v1/applications/{id}/messages',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}/messages`,
  },
  { route: 'GET /api/v1/me/notifications', ok: SIGNED_IN, path: () => '/api/v1/me/notifications' },
  {
    route: 'PATCH /api/v1/me/notifications',
    ok: SIGNED_IN,
    path: () => '/api/v1/me/notifications',
    body: () => ({ language: 'id' }),
  },
  {
    route: 'POST /api/v1/consents/withdraw',
    ok: 'public',
    path: () => '/api/v1/consents/withdraw',
    body: () => ({ token: `${randomUUID()}.not-a-signature-of-it` }),
  },
  {
    // Providers' webhooks: anyone may post, only a provider's signature is believed (else 401).
    route: 'POST /api/v1/delivery-reports/whatsapp',
    ok: 'public',
    path: () => '/api/v1/delivery-reports/whatsapp',
    body: () => ({ object: 'whatsapp_business_account', entry: [] }),
  },
  {
    route: 'GET /api/v1/delivery-reports/whatsapp',
    ok: 'public',
    path: () => '/api/v1/delivery-reports/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1',
  },
  {
    route: 'POST /api/v1/delivery-reports/sms',
    ok: 'public',
    path: () => '/api/v1/delivery-reports/sms',
    body: () => ({ MessageSid: 'SM1', MessageStatus: 'delivered' }),
  },
  {
    route: 'GET /api/v1/applications/{id}/history',
    ok: ['holdingOfficer', 'supervisor', 'admin'],
    // Applicants read the officers' words in the correction sent to them, not the working history.
    refused: { else: 404, applicant: 403, otherApplicant: 403, companyStaff: 403 },
    path: (f) => `/api/v1/applications/${f.app}/history`,
  },
  {
    route: 'GET /api/v1/applications/{id}/history/verify',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.app}/history/verify`,
  },
  {
    route: 'GET /api/v1/applications/{id}/permit',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/applications/${f.issuedApp}/permit`,
  },

  // Tasks: officers of the stage's agency with its role; supervisors reassign.
  {
    route: 'GET /api/v1/inbox',
    ok: OFFICERS,
    refused: 403,
    path: () => '/api/v1/inbox',
  },
  {
    route: 'POST /api/v1/tasks/{id}/claim',
    ok: ['holdingOfficer'],
    refused: 403,
    path: (f) => `/api/v1/tasks/${f.task}/claim`,
  },
  {
    route: 'POST /api/v1/tasks/{id}/release',
    ok: ['holdingOfficer'],
    refused: 403,
    path: (f) => `/api/v1/tasks/${f.task}/release`,
  },
  {
    route: 'GET /api/v1/team',
    ok: ['supervisor', 'agencyAdmin', 'otherRegionSupervisor'], // each supervisor sees their own agency's
    refused: 403,
    path: () => '/api/v1/team',
  },
  {
    route: 'GET /api/v1/escalations',
    ok: ['supervisor', 'agencyAdmin', 'otherRegionSupervisor'], // each supervisor, their own agency's
    refused: 403,
    path: () => '/api/v1/escalations',
  },
  {
    route: 'GET /api/v1/returned',
    ok: OFFICERS,
    refused: 403,
    path: () => '/api/v1/returned',
  },
  {
    route: 'POST /api/v1/tasks/{id}/reassign',
    ok: ['supervisor'],
    refused: 403,
    path: (f) => `/api/v1/tasks/${f.task}/reassign`,
    body: (f) => ({ staffId: f.staff }),
  },
  {
    route: 'POST /api/v1/tasks/{id}/attachments',
    ok: ['holdingOfficer'],
    refused: 403,
    path: (f) => `/api/v1/tasks/${f.task}/attachments`,
  },
  {
    route: 'POST /api/v1/tasks/{id}/actions',
    ok: ['holdingOfficer'],
    refused: 403,
    path: (f) => `/api/v1/tasks/${f.task}/actions`,
    body: () => ({ action: 'fly' }),
  },

  // Dossiers: officers of the agencies in the custody chain, and the applicant.
  {
    route: 'POST /api/v1/dossiers',
    ok: ['holdingOfficer', 'supervisor', 'admin'],
    refused: 403,
    path: () => '/api/v1/dossiers',
    body: (f) => ({ title: 'Surat matriks', kind: 'letter', originAgencyId: f.agency }),
  },
  {
    route: 'GET /api/v1/dossiers/{trackingNumber}',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/dossiers/${f.tn}`,
  },
  {
    route: 'GET /api/v1/dossiers/{trackingNumber}/history',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/dossiers/${f.tn}/history`,
  },
  {
    route: 'GET /api/v1/dossiers/{trackingNumber}/history/verify',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/dossiers/${f.tn}/history/verify`,
  },
  {
    route: 'GET /api/v1/dossiers/{trackingNumber}/cover-sheet.pdf',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/dossiers/${f.tn}/cover-sheet.pdf`,
  },
  {
    route: 'POST /api/v1/dossiers/{trackingNumber}/documents',
    ok: CUSTODY_CHAIN,
    refused: {
      else: 404,
      otherAgencyOfficer: 403,
      otherRegionOfficer: 403,
      otherRegionSupervisor: 403,
      agencyAdmin: 403,
    },
    path: (f) => `/api/v1/dossiers/${f.tn}/documents`,
  },
  {
    route: 'GET /api/v1/documents/{id}/download',
    ok: CUSTODY_CHAIN,
    refused: 404,
    path: (f) => `/api/v1/documents/${f.doc}/download`,
  },
  {
    route: 'GET /api/v1/agency/dossiers',
    ok: OFFICERS,
    refused: 403,
    path: () => '/api/v1/agency/dossiers',
  },
  {
    route: 'GET /api/v1/handoffs/{id}',
    ok: ['holdingOfficer', 'otherAgencyOfficer', 'supervisor', 'agencyAdmin', 'admin'],
    refused: { else: 404, applicant: 403, otherApplicant: 403, companyStaff: 403 },
    path: (f) => `/api/v1/handoffs/${f.handoff}`,
  },
  {
    route: 'POST /api/v1/dossiers/{trackingNumber}/handoffs',
    ok: ['holdingOfficer', 'supervisor', 'admin'],
    refused: 403,
    path: (f) => `/api/v1/dossiers/${f.letter}/handoffs`,
    body: (f) => ({ toAgencyId: f.agency }),
  },
  {
    route: 'POST /api/v1/handoffs/{id}/refuse',
    ok: ['otherAgencyOfficer', 'agencyAdmin'],
    refused: { else: 403, otherRegionOfficer: 404, otherRegionSupervisor: 404 },
    path: (f) => `/api/v1/handoffs/${f.handoff}/refuse`,
    body: () => ({ reason: 'Bukan kewenangan kami' }),
  },
  {
    route: 'POST /api/v1/handoffs/{id}/receive',
    ok: ['otherAgencyOfficer', 'agencyAdmin'],
    refused: { else: 403, otherRegionOfficer: 404, otherRegionSupervisor: 404 },
    path: (f) => `/api/v1/handoffs/${f.handoff}/receive`,
    body: () => ({}),
  },
  {
    route: 'POST /api/v1/dossiers/{trackingNumber}/close',
    ok: ['holdingOfficer', 'supervisor', 'admin'],
    refused: 403,
    path: (f) => `/api/v1/dossiers/${f.letter}/close`,
    body: () => ({ outcome: 'archived' }),
  },

  // The agency directory: every officer, within their own region (a handoff needs the addressee's id).
  { route: 'GET /api/v1/agencies', ok: OFFICERS, refused: 403, path: () => '/api/v1/agencies' },
  {
    route: 'GET /api/v1/agencies/{id}',
    ok: IN_REGION_OFFICERS,
    refused: OTHER_REGION_NOT_FOUND,
    path: (f) => `/api/v1/agencies/${f.agency}`,
  },
  {
    route: 'GET /api/v1/regions/{regionCode}/agencies/{code}',
    ok: IN_REGION_OFFICERS,
    refused: OTHER_REGION_NOT_FOUND,
    path: () => '/api/v1/regions/3271/agencies/DPMPTSP',
  },

  // Administration: agency-admins for their agency, system-admins for all.
  {
    route: 'PATCH /api/v1/admin/agencies/{id}',
    ok: ['admin'],
    refused: 403,
    path: (f) => `/api/v1/admin/agencies/${f.agency}`,
    body: () => ({}),
  },
  {
    route: 'POST /api/v1/admin/agencies/{id}/units',
    ok: ['admin'],
    refused: 403,
    path: (f) => `/api/v1/admin/agencies/${f.agency}/units`,
    body: () => ({ code: 'MATRIKS', name: 'Seksi Matriks' }),
  },
  {
    route: 'POST /api/v1/admin/agencies',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/agencies',
    body: () => ({ regionCode: '3271', code: 'DISHUB', name: 'Dinas Perhubungan' }),
  },
  {
    route: 'POST /api/v1/admin/regions',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/regions',
    body: () => ({ code: '3201', name: 'Kabupaten Bogor' }),
  },
  {
    route: 'GET /api/v1/admin/staff',
    ok: ADMINS,
    refused: 403,
    path: (f) => `/api/v1/admin/staff?agencyId=${f.agency}`,
  },
  {
    route: 'GET /api/v1/admin/staff/{id}',
    ok: ADMINS,
    refused: 403,
    path: (f) => `/api/v1/admin/staff/${f.staff}`,
  },
  {
    route: 'PATCH /api/v1/admin/staff/{id}',
    ok: ['admin'],
    refused: 403,
    path: (f) => `/api/v1/admin/staff/${f.staff}`,
    body: () => ({}),
  },
  {
    route: 'GET /api/v1/admin/staff/{id}/history',
    ok: ADMINS,
    refused: 403,
    path: (f) => `/api/v1/admin/staff/${f.staff}/history`,
  },
  {
    route: 'POST /api/v1/admin/staff',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/staff',
    body: (f) => ({
      nip: '199505052020121007',
      name: 'Petugas Matriks',
      email: 'matriks@dpmptsp.example.id',
      agencyId: f.agency,
      position: 'Pengadministrasi',
      roles: ['verifier'],
      password: 'pelayanan prima 2026',
    }),
  },
  {
    route: 'GET /api/v1/admin/delegations',
    ok: ['admin'], // the agency's own admin (and system-admins); DLH's admin is refused
    refused: 403,
    path: (f) => `/api/v1/admin/delegations?agencyId=${f.agency}`,
  },
  {
    route: 'POST /api/v1/admin/delegations',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/delegations',
    body: (f) => ({
      kind: 'plh',
      delegateId: f.staff,
      holderId: f.staff,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 86400000).toISOString(),
    }),
  },
  {
    route: 'POST /api/v1/admin/delegations/{id}/revoke',
    ok: ['admin'],
    refused: 403,
    path: (f) => `/api/v1/admin/delegations/${f.delegation}/revoke`,
  },
  {
    route: 'GET /api/v1/admin/workflows/{code}',
    ok: ADMINS,
    refused: 403,
    path: () => '/api/v1/admin/workflows/SIP',
  },
  {
    route: 'POST /api/v1/admin/workflows',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/workflows',
    body: () => ({ definition: {} }),
  },
  {
    route: 'PUT /api/v1/admin/calendars/{regionCode}/days/{date}',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/calendars/3271/days/2027-06-03',
    body: () => ({ nameId: 'Hari Jadi Bogor', nameEn: "Bogor's anniversary" }),
  },
  {
    route: 'DELETE /api/v1/admin/calendars/{regionCode}/days/{date}',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/calendars/3271/days/2027-06-03',
  },
  // The notices' wording: a system-admin's. Publishing the version in use changes nothing.
  {
    route: 'GET /api/v1/notification-templates',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/notification-templates',
  },
  {
    route: 'GET /api/v1/notification-templates/{kind}/{language}',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/notification-templates/submitted/id',
  },
  {
    route: 'GET /api/v1/notification-templates/{kind}/{language}/preview',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/notification-templates/submitted/id/preview',
  },
  {
    route: 'POST /api/v1/notification-templates/{kind}/{language}/drafts',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/notification-templates/submitted/en/drafts',
    // Refused for its missing link (400) when allowed: nothing is written.
    body: () => ({ subject: 'Received', email: 'Dear {{name}}', sms: 'Received', whatsapp: 'Received' }),
  },
  {
    route: 'POST /api/v1/notification-templates/{kind}/{language}/publish',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/notification-templates/submitted/en/publish',
    body: () => ({ version: 1 }),
  },
  {
    route: 'POST /api/v1/admin/keys/rotate',
    ok: ['admin'],
    refused: 403,
    path: () => '/api/v1/admin/keys/rotate',
  },

  // Last, because they end things: a revoked permit and a withdrawn application.
  {
    route: 'POST /api/v1/applications/{id}/permit/revoke',
    ok: ['supervisor'],
    refused: 403,
    path: (f) => `/api/v1/applications/${f.issuedApp}/permit/revoke`,
    body: () => ({ reason: 'Uji matriks kewenangan' }),
  },
  {
    route: 'POST /api/v1/applications/{id}/withdraw',
    ok: ['applicant'],
    refused: APPLICANT_ONLY,
    path: (f) => `/api/v1/applications/${f.app}/withdraw`,
  },
];

describe('authorisation matrix: every route × every kind of principal', () => {
  let system: RunningSystem;
  let api: Api;
  const tokens: Partial<Record<Who, string>> = {};
  const f = {} as Fixtures;

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    const the = people(api);
    tokens.applicant = await the.signIn(demo.person.email);
    tokens.companyStaff = await the.signIn(demo.company.members[0].email);
    tokens.holdingOfficer = await the.signIn(officer('DPMPTSP', 'front-office'));
    tokens.otherAgencyOfficer = await the.signIn(officer('DLH', 'reviewer'));
    tokens.supervisor = await the.signIn(officer('DPMPTSP', 'supervisor'));
    tokens.admin = await the.signIn(demo.staff.find((s) => s.roles.includes('system-admin'))!.email);
    const other = {
      kind: 'person',
      name: 'Bayu Saputra',
      email: 'bayu@warga.example.id',
      nik: '3271042208850004',
      password: 'jalan pajajaran 45',
    };
    await registerApplicant(api, system.mail, other);
    tokens.otherApplicant = await the.signIn(other.email, other.password);

    // Another regency with its own one-stop office and front-office officer.
    const admin = bearer(tokens.admin);
    await api
      .post('/api/v1/admin/regions')
      .set(admin)
      .send({ code: '3201', name: 'Kabupaten Bogor' })
      .expect(201);
    const agency = (
      await api
        .post('/api/v1/admin/agencies')
        .set(admin)
        .send({ regionCode: '3201', code: 'DPMPTSP', name: 'DPMPTSP Kabupaten Bogor' })
        .expect(201)
    ).body;
    await api
      .post('/api/v1/admin/staff')
      .set(admin)
      .send({
        nip: '199202022019031005',
        name: 'Andi Wijaya',
        email: 'andi@dpmptsp.bogorkab.example.id',
        agencyId: agency.id,
        position: 'Petugas Front Office',
        roles: ['front-office'],
        password: 'loket kabupaten satu',
      })
      .expect(201);
    tokens.otherRegionOfficer = await the.signInFirstTime(
      'andi@dpmptsp.bogorkab.example.id',
      'loket kabupaten satu',
    );
    await api
      .post('/api/v1/admin/staff')
      .set(admin)
      .send({
        nip: '197805052003121004',
        name: 'Wawan Setiawan',
        email: 'wawan@dpmptsp.bogorkab.example.id',
        agencyId: agency.id,
        position: 'Kepala Bidang Perizinan',
        roles: ['supervisor'],
        password: 'kabid kabupaten dua',
      })
      .expect(201);
    tokens.otherRegionSupervisor = await the.signInFirstTime(
      'wawan@dpmptsp.bogorkab.example.id',
      'kabid kabupaten dua',
    );
    tokens.agencyAdmin = await the.signIn(officer('DLH', 'agency-admin'));

    // The application under test: the applicant's practice licence, at the one-stop office's desk.
    const app = await the.readySip(tokens.applicant!);
    const submitted = (
      await api.post(`/api/v1/applications/${app.id}/submit`).set(bearer(tokens.applicant)).expect(200)
    ).body;
    const dossier = (
      await api
        .get(`/api/v1/dossiers/${submitted.trackingNumber}`)
        .set(bearer(tokens.holdingOfficer))
        .expect(200)
    ).body;
    Object.assign(f, {
      app: app.id,
      tn: submitted.trackingNumber,
      task: submitted.openTasks[0].id,
      doc: dossier.documents[0].id,
      agency: dossier.holder.id,
    });
    f.staff = (await api.get('/api/v1/me').set(bearer(tokens.holdingOfficer)).expect(200)).body.principal.id;
    const colleague = await the.signIn(demo.company.members[1].email);
    f.member = (await api.get('/api/v1/me').set(bearer(colleague)).expect(200)).body.principal.id;
    const holder = (await api.get('/api/v1/me').set(bearer(tokens.supervisor)).expect(200)).body.principal.id;
    // The acting official is no principal of the table: ending the delegation ends their tokens.
    const verifier = await the.signIn(officer('DPMPTSP', 'verifier'));
    const delegate = (await api.get('/api/v1/me').set(bearer(verifier)).expect(200)).body.principal.id;
    f.delegation = (
      await api
        .post('/api/v1/admin/delegations')
        .set(admin)
        .send({
          kind: 'plh',
          delegateId: delegate,
          holderId: holder,
          roles: ['supervisor'],
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 86400000).toISOString(),
        })
        .expect(201)
    ).body.id;
    // A letter the one-stop office sends to the environment office: the handoff under test.
    const dlh = (await api.get('/api/v1/me').set(bearer(tokens.otherAgencyOfficer)).expect(200)).body
      .principal.agencyId;
    const letter = (
      await api
        .post('/api/v1/dossiers')
        .set(bearer(tokens.holdingOfficer))
        .send({ title: 'Surat koordinasi', kind: 'letter', originAgencyId: f.agency })
        .expect(201)
    ).body;
    f.letter = letter.trackingNumber;
    f.handoff = (
      await api
        .post(`/api/v1/dossiers/${f.letter}/handoffs`)
        .set(bearer(tokens.holdingOfficer))
        .send({ toAgencyId: dlh })
        .expect(201)
    ).body.id;
    // An issued permit of the applicant's.
    await ensureDemoFiles(system.gatewayUrl, demo);
    const mine = (await api.get('/api/v1/applications?limit=200').set(bearer(tokens.applicant)).expect(200))
      .body.items;
    f.issuedApp = mine.find((a: { status: string }) => a.status === 'issued').id;
    f.verification = (
      await api.get(`/api/v1/applications/${f.issuedApp}/permit`).set(bearer(tokens.applicant)).expect(200)
    ).body.verificationCode;
  });
  afterAll(() => system?.stop());

  it('has a row for every route of the OpenAPI document', async () => {
    const document = (await api.get('/docs/openapi.json').expect(200)).body;
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((verb) => `${verb.toUpperCase()} ${path}`),
    );
    expect(MATRIX.map((r) => r.route).sort()).toEqual(routes.sort());
  });

  it('answers each cell as the table says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const row of MATRIX) {
      const expected = (who: Who): Cell => {
        if (row.ok === 'public') return 'ok';
        if (who === 'anonymous') return 401;
        if (row.ok.includes(who)) return 'ok';
        const refused = row.refused ?? 403;
        return typeof refused === 'object' ? (refused[who] ?? refused.else) : refused;
      };
      const order = [...WHO].sort((a, b) => Number(expected(a) === 'ok') - Number(expected(b) === 'ok'));
      const answers: Partial<Record<Who, number>> = {};
      for (const who of order) {
        const verb = row.route.split(' ')[0];
        let req = api[verb.toLowerCase() as 'get'](row.path(f));
        if (tokens[who]) req = req.set(bearer(tokens[who]!));
        if (row.route.endsWith('/documents') || row.route.endsWith('/attachments'))
          req = req.field('kind', 'statement').attach('file', who === 'applicant' ? PDF : PNG, 'surat.pdf');
        else if (row.body) req = req.send(row.body(f));
        const res = await req;
        answers[who] = res.status;
        cells++;
        const want = expected(who);
        // Public routes may refuse bad credentials (401); that they answer everyone alike is checked below.
        const allowed =
          row.ok === 'public' ? res.status < 500 : ![401, 403, 404].includes(res.status) && res.status < 500;
        const fine = want === 'ok' ? allowed : res.status === want;
        if (!fine)
          mismatches.push(
            `${row.route} as ${who}: expected ${want}, got ${res.status} ${res.body?.code ?? ''}`,
          );
      }
      // A public route answers everyone alike: a token neither helps nor hurts.
      if (row.ok === 'public') {
        const statuses = new Set(Object.values(answers));
        if (statuses.size !== 1)
          mismatches.push(`${row.route}: public but answers differ ${JSON.stringify(answers)}`);
      }
    }
    process.stdout.write(
      `authorisation matrix: ${MATRIX.length} routes × ${WHO.length} principals = ${cells} cells\n`,
    );
    expect(mismatches).toEqual([]);
    expect(cells).toBe(MATRIX.length * WHO.length);
  });
});
