// The harness of permits' integration specs (`*.integration.spec.ts`), not a spec itself: its name ends
// in .spec.ts so that the build leaves it out (tsconfig.app.json) and lint lets it use the test
// helpers, and jest.config.js skips src/testing/ when looking for specs.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import * as auth from '@berkas/auth';
import { loadConfig, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import {
  AppError,
  generateTrackingNumber,
  parseTrackingNumber,
  type Agency,
  type Application,
  type AgencyRef,
  type Dossier,
  type DocumentKind,
  type DocumentRule,
  type OpenDossierRequest,
  type Principal,
  type StaffRole,
} from '@berkas/contracts';
import { bootstrapService, createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import {
  applicantPrincipal,
  dropDatabase,
  freePort,
  NatsResponder,
  officerPrincipal,
  startPrivateNats,
  startPrivateS3,
  TEST_INFRA,
  uniqueName,
  type PrivateNats,
  type PrivateS3,
} from '@berkas/testing';
import { AppModule } from '../app/app.module';

/** The demo region (Kota Bogor) and the agencies its workflows name, as identity's demo data has them. */
export const REGION = '3271';
const AGENCY_NAMES = {
  DPMPTSP: 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu',
  DINKES: 'Dinas Kesehatan',
  DPUPR: 'Dinas Pekerjaan Umum dan Penataan Ruang',
  DLH: 'Dinas Lingkungan Hidup',
} as const;
export type DemoAgency = keyof typeof AGENCY_NAMES;

/** A person the specs act as: who they are, and the access token the stand-in for identity signed. */
export interface Person {
  principal: Principal;
  token: string;
}

const refOf = (a: Agency): AgencyRef => ({ id: a.id, code: a.code, name: a.name, regionCode: a.regionCode });

/**
 * Tracking as permits sees it, in memory: dossiers opened, read, activated and closed the way the
 * real service answers (its replies held to proto/ by the responder), and documents a spec puts in a
 * dossier as if the applicant had uploaded them.
 */
export class StandInDossiers {
  private readonly byNumber = new Map<string, Dossier>();
  private readonly rules = new Map<string, DocumentRule[]>();

  constructor(private readonly agencies: readonly Agency[]) {}

  /** The dossier with this tracking number; throws if the stand-in never opened it. */
  get(trackingNumber: string): Dossier {
    const dossier = this.byNumber.get(trackingNumber);
    if (!dossier) throw new Error(`The stand-in for tracking opened no dossier ${trackingNumber}`);
    return dossier;
  }

  /** Puts a document of `kind` into the dossier, as a finished upload would. */
  attach(trackingNumber: string, kind: DocumentKind, uploader: Principal): void {
    const dossier = this.get(trackingNumber);
    const previous = dossier.documents.filter((d) => d.kind === kind).at(-1);
    dossier.documents.push({
      id: randomUUID(),
      kind,
      version: (previous?.version ?? 0) + 1,
      previousId: previous?.id ?? null,
      sha256: randomUUID().replace(/-/g, '').repeat(2),
      size: 1024,
      mediaType: 'application/pdf',
      fileName: `${kind}.pdf`,
      uploadedAt: new Date().toISOString(),
      uploadedBy: { kind: 'applicant', id: uploader.id, ...(uploader.name ? { name: uploader.name } : {}) },
      withdrawnAt: null,
    });
  }

  /** Answers tracking's dossier subjects on `responder`. */
  install(responder: NatsResponder): void {
    responder
      .on('tracking.dossiers.open', (req) => this.open(req))
      .on('tracking.dossiers.get', ({ trackingNumber }) => this.find(trackingNumber))
      .on('tracking.dossiers.activate', ({ trackingNumber }) => {
        const dossier = this.find(trackingNumber);
        if (dossier.status === 'draft')
          Object.assign(dossier, { status: 'open', heldSince: new Date().toISOString() });
        return dossier;
      })
      .on('tracking.documents.prepare-upload', ({ trackingNumber, kind }) => {
        const dossier = this.find(trackingNumber);
        const rule = this.rules.get(dossier.id)?.find((r) => r.kind === kind);
        const uploadId = randomUUID();
        return {
          uploadId,
          objectKey: `documents/${dossier.id}/${uploadId}`,
          maxBytes: rule?.maxBytes ?? 10 * 1024 * 1024,
          allowedTypes: rule?.allowedTypes ?? ['application/pdf'],
          expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
        };
      })
      .on('tracking.dossiers.close', ({ trackingNumber, outcome }) => {
        const dossier = this.find(trackingNumber);
        if (dossier.status === 'closed')
          throw new AppError('ALREADY_CLOSED', 409, 'The dossier is closed already');
        return Object.assign(dossier, { status: 'closed', outcome, closedAt: new Date().toISOString() });
      });
  }

  /** The dossiers opened so far, each once: an open naming an id it knows answers that dossier again. */
  get opened(): Dossier[] {
    return [...this.byNumber.values()];
  }

  private open(req: OpenDossierRequest): Dossier {
    const again = req.id && this.opened.find((d) => d.id === req.id);
    if (again) return again;
    const origin = this.agencies.find((a) => a.id === req.originAgencyId);
    if (!origin) throw new AppError('REFERENCE_NOT_FOUND', 409, 'No such origin agency');
    const now = new Date().toISOString();
    const dossier: Dossier = {
      id: req.id ?? randomUUID(),
      trackingNumber: generateTrackingNumber(origin.regionCode, new Date().getFullYear()).formatted,
      title: req.title,
      kind: req.kind,
      status: req.draft ? 'draft' : 'open',
      confidentiality: req.confidentiality ?? 'internal',
      regionCode: origin.regionCode,
      origin: refOf(origin),
      holder: refOf(origin),
      holderUnitId: req.holderUnitId ?? null,
      heldSince: now,
      inTransit: null,
      applicantId: req.applicantId ?? null,
      companyId: req.companyId ?? null,
      permitType: req.permitType ?? null,
      dueAt: req.dueAt ?? null,
      openedAt: now,
      closedAt: null,
      outcome: null,
      documents: [],
    };
    this.byNumber.set(dossier.trackingNumber, dossier);
    if (req.documentRules) this.rules.set(dossier.id, req.documentRules);
    return dossier;
  }

  private find(text: string): Dossier {
    const parsed = parseTrackingNumber(text);
    if (!parsed.ok) throw new AppError('INVALID_TRACKING_NUMBER', 400, 'Check the number');
    const dossier = this.byNumber.get(parsed.value.formatted);
    if (!dossier) throw new AppError('NOT_FOUND', 404, 'No such dossier');
    return dossier;
  }
}

export interface PermitsUnderTest {
  /** Talks to permits over NATS as the gateway does: `client.request(subject, payload, person.token)`. */
  client: StandaloneClient;
  /** Stands in for identity and tracking; asks what they were asked (`responder.calls(subject)`). */
  responder: NatsResponder;
  /** Permits' own database (real PostgreSQL, its real migrations), to see what was stored. */
  db: DataSource;
  /** The agencies of region 3271 the stand-in for identity knows. */
  agencies: Record<DemoAgency, Agency>;
  dossiers: StandInDossiers;
  /** A new applicant with a token. */
  applicant(overrides?: Partial<Principal>): Promise<Person>;
  /** A new officer of a demo agency holding `roles`, with a token; identity's role lists name them. */
  officer(agency: DemoAgency, roles: StaffRole[]): Promise<Person>;
  /**
   * A draft made through permits.applications.create, with `documents` in its dossier as if uploaded;
   * its tracking number as permits stored it (a draft's view does not show it yet).
   */
  draft(
    applicant: Person,
    application: { permitType: string; form?: Record<string, unknown>; documents?: DocumentKind[] },
  ): Promise<{ id: string; trackingNumber: string }>;
  /**
   * A client calling as `service` on its own, with the service token the stand-in for identity signs
   * for it (on `identity.service-tokens.<service>`): for subjects only other services may call.
   */
  asService(service: 'notifications'): Promise<StandaloneClient>;
  /** A new applicant's practice licence (SIP), complete with its documents and submitted. */
  submittedSip(): Promise<{ id: string; trackingNumber: string; siti: Person; submitted: Application }>;
  /** One of permits' own providers, to drive what runs on a timer (the SLA scheduler's pass). */
  service<T>(type: new (...args: never[]) => T): T;
  /** Throws what the stand-in met that broke the contract: call it after each test. */
  verify(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Permits in-process (its AppModule, as main.ts starts it) on a fresh PostgreSQL database, a private
 * nats-server and a private S3 server, with a NatsResponder standing in for identity (agencies,
 * role members, token keys) and tracking (dossiers). Seconds to start; one per spec file.
 */
export async function startPermitsUnderTest(): Promise<PermitsUnderTest> {
  const database = uniqueName('berkas_test_pmt_alone');
  const started: {
    nats?: PrivateNats;
    s3?: PrivateS3;
    responder?: NatsResponder;
    app?: INestApplication;
    client?: StandaloneClient;
    services: StandaloneClient[];
  } = { services: [] };
  const stop = async () => {
    await started.client?.close();
    await Promise.all(started.services.map((c) => c.close()));
    await started.app?.close();
    await started.responder?.stop();
    await started.nats?.stop();
    await started.s3?.stop();
    await dropDatabase(database);
  };
  try {
    started.nats = await startPrivateNats();
    started.s3 = await startPrivateS3();
    const responder = (started.responder = await NatsResponder.start(started.nats.url, {
      standsInFor: ['identity', 'tracking'],
      auth,
    }));

    const agencies = Object.fromEntries(
      Object.entries(AGENCY_NAMES).map(([code, name]): [string, Agency] => [
        code,
        { id: randomUUID(), regionCode: REGION, code, name, parentId: null, active: true, units: [] },
      ]),
    ) as Record<DemoAgency, Agency>;
    const staff: Array<{ principal: Principal; nip: string }> = [];
    responder
      .on('identity.agencies.get', (req) => {
        const found = Object.values(agencies).find((a) =>
          req.id ? a.id === req.id : a.regionCode === req.regionCode && a.code === req.code,
        );
        return found ?? new AppError('NOT_FOUND', 404, 'No such agency');
      })
      .on('identity.staff.members-of-role', ({ agencyId, role }) => {
        const agency = Object.values(agencies).find((a) => a.id === agencyId);
        if (!agency) return new AppError('NOT_FOUND', 404, 'No such agency');
        return {
          agency: refOf(agency),
          role,
          members: staff
            .filter((s) => s.principal.agencyId === agencyId && s.principal.roles?.includes(role))
            .map((s) => ({
              staffId: s.principal.id,
              name: s.principal.name ?? '',
              nip: s.nip,
              via: 'position' as const,
            })),
        };
      });
    const dossiers = new StandInDossiers(Object.values(agencies));
    dossiers.install(responder);

    const { sections, defaults } = SERVICE_CONFIG.permits;
    const env = {
      NATS_URL: started.nats.url,
      DATABASE_URL: TEST_INFRA.databaseUrl,
      DATABASE_NAME: database,
      HTTP_PORT: String(await freePort()),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      S3_PORT: String(started.s3.port),
    };
    const config = loadConfig(sections, env, defaults) as ServiceConfig<'permits'>;
    started.app = await bootstrapService({
      service: 'permits',
      module: AppModule.register(config),
      http: config.http,
      nats: config.nats,
    });
    const client = (started.client = await createStandaloneClient(started.nats.url));
    const db = started.app.get(DataSource);

    const signIn = async (principal: Principal): Promise<Person> => ({
      principal,
      token: await responder.accessToken(principal),
    });
    const draftOf: PermitsUnderTest['draft'] = async (applicant, { permitType, form, documents = [] }) => {
      const { id } = await client.request(
        'permits.applications.create',
        { permitType, regionCode: REGION, ...(form ? { form } : {}) },
        applicant.token,
      );
      const [{ tracking_number: trackingNumber }] = await db.query(
        'SELECT tracking_number FROM applications WHERE id = $1',
        [id],
      );
      for (const kind of documents) dossiers.attach(trackingNumber, kind, applicant.principal);
      return { id, trackingNumber };
    };
    return {
      client,
      responder,
      db,
      agencies,
      dossiers,
      applicant: (overrides) => signIn(applicantPrincipal(overrides)),
      officer: async (agency, roles) => {
        const principal = officerPrincipal(agencies[agency], roles);
        staff.push({ principal, nip: `19900315201503${String(2000 + staff.length).slice(-4)}` });
        return signIn(principal);
      },
      submittedSip: async () => {
        const siti = await signIn(applicantPrincipal());
        const app = await draftOf(siti, {
          permitType: 'SIP',
          form: {
            profession: 'perawat',
            strNumber: 'STR-3271/2023/0042',
            practiceAddress: 'Jl. Pajajaran 9',
            practiceArea: '32.71.03.1006',
            practiceOrder: 1,
          },
          documents: ['identity-card', 'certificate', 'statement'],
        });
        const submitted = await client.request('permits.applications.submit', { id: app.id }, siti.token);
        return { ...app, siti, submitted };
      },
      draft: draftOf,
      asService: async (service) => {
        const nats = started.nats as PrivateNats;
        const serviceClient = await createStandaloneClient(nats.url, { as: service });
        started.services.push(serviceClient);
        return serviceClient;
      },
      service: (type) => (started.app as INestApplication).get(type),
      verify: () => responder.verify(),
      stop: async () => {
        await stop();
        await responder.verify(); // what went wrong after the last test (a consumer's late request)
      },
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
