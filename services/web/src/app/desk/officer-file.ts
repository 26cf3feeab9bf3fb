import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import type {
  Application,
  ApplicationHistory,
  Bilingual,
  DocumentView,
  Dossier,
  DossierHistory,
  FormField,
  PermitType,
  PublishedWorkflow,
  WorkflowDefinition,
  StaffRole,
  TeamBoard,
  WorkflowTaskStage,
} from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import type { RegionPlaces } from '../apply/region-places';
import type { SignedInPerson, Seat } from '../sessions/session-middleware';

type TaskRef = Application['openTasks'][number];

/** One action of a stage, as its form offers it. */
export interface ActionOption {
  name: string;
  label: Bilingual;
  /** Leads back to the applicant: the form asks what they must fix. */
  toApplicant: boolean;
  /** The definition asks for the officer's note (the reason of a return or a rejection). */
  needsNote: boolean;
  /** The standard reasons the officer picks one of (none: the action takes no listed reason). */
  reasons: Array<{ code: string; label: Bilingual }>;
}

/** An open task of the file as the officer in front of the page may work it. */
export interface TaskOnFile {
  ref: TaskRef;
  actions: ActionOption[];
  /** The officer's seat that holds the task's role in its agency; null when none does. */
  seat: Seat | null;
  claimedByMe: boolean;
  claimedByOther: boolean;
  /** The stage bills the levy and it is not paid yet: payment is recorded here. */
  awaitsPayment: boolean;
  /** For the agency's supervisor: the officers with the task's role it may be given to. */
  reassignTo: Array<{ staffId: string; name: string }> | null;
}

/** A document of the dossier with its earlier versions, newest first. */
export interface DocumentChain {
  current: DocumentView;
  earlier: DocumentView[];
}

type CustodyEntry = DossierHistory['entries'][number];

/** Everything an officer's page of one file shows. */
export interface OfficerFile {
  app: Application;
  type: PermitType;
  definition: WorkflowDefinition;
  answers: Array<{ field: FormField; value: unknown; toFix: boolean }>;
  /** The region's kelurahan, to name the place a form's answer gives by code. */
  places: RegionPlaces | null;
  documents: DocumentChain[];
  history: ApplicationHistory['entries'];
  /** The paper dossier's journey: handoffs sent, received and refused. */
  custody: CustodyEntry[];
  dossier: Dossier | null;
  tasks: TaskOnFile[];
}

const CUSTODY_TYPES = new Set(['handoff-sent', 'handoff-received', 'handoff-refused']);

/** The seat of `person` that may work a task of `role` at `agencyCode` now, if any. */
export function seatFor(person: SignedInPerson | undefined, agencyCode: string, role: string): Seat | null {
  const now = new Date().toISOString();
  return (
    person?.seats?.find(
      (s) => s.agencyCode === agencyCode && s.roles.includes(role) && (!s.acting || s.acting.until > now),
    ) ?? null
  );
}

/** Each file of the dossier once, at its latest version, with the versions it replaced. */
export function documentChains(documents: DocumentView[]): DocumentChain[] {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const replaced = new Set(documents.map((d) => d.previousId).filter(Boolean));
  return documents
    .filter((d) => !replaced.has(d.id))
    .map((current) => {
      const earlier: DocumentView[] = [];
      for (let d = byId.get(current.previousId ?? ''); d; d = byId.get(d.previousId ?? '')) earlier.push(d);
      return { current, earlier };
    })
    .sort((a, b) => a.current.uploadedAt.localeCompare(b.current.uploadedAt));
}

/**
 * Loads one file for an officer's page, through the API as that officer: the application, its
 * workflow version (published versions never change, so they are kept), its history, and the
 * dossier with its documents and custody. Whoever the API does not let see the file gets its 404.
 */
@Injectable()
export class OfficerFiles {
  private readonly workflows = new LRUCache<string, WorkflowDefinition>({ max: 200 });

  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
  ) {}

  async load(req: Request, token: string, id: string): Promise<OfficerFile> {
    const path = `/applications/${encodeURIComponent(id)}`;
    const [app, history] = await Promise.all([
      this.api.get<Application>(req, path, token),
      this.api.get<ApplicationHistory>(req, `${path}/history`, token),
    ]);
    const person = req.session.person;
    // A supervisor of the agency a task is at may give it to someone else: their team says to whom.
    const ownAgency = person?.seats?.[0];
    const supervises = (code: string) =>
      ownAgency?.agencyCode === code && ownAgency.roles.includes('supervisor');
    const [type, definition, dossier, dossierHistory, team] = await Promise.all([
      this.workspace.permitType(req, app.permitType),
      this.definition(req, app.permitType, app.workflowVersion),
      this.dossierPart<Dossier>(req, token, app, ''),
      this.dossierPart<DossierHistory>(req, token, app, '/history'),
      app.openTasks.some((t) => supervises(t.agencyCode))
        ? this.api.get<TeamBoard>(req, '/team', token)
        : null,
    ]);
    const form = app.form as Record<string, unknown>;
    const asked = app.status === 'returned' ? app.correction : null;

    return {
      app,
      type,
      definition,
      places: await this.workspace.placesFor(req, type, app),
      answers: type.form.map((field) => ({
        field,
        value: form[field.name],
        toFix: !!asked?.fields.includes(field.name),
      })),
      documents: documentChains(dossier?.documents ?? []),
      history: history.entries,
      custody: (dossierHistory?.entries ?? []).filter((e) => CUSTODY_TYPES.has(e.type)),
      dossier,
      tasks: app.openTasks.map((ref) => {
        const stage = definition.stages[ref.stage] as WorkflowTaskStage;
        return {
          ref,
          actions: Object.entries(stage.actions).map(([name, a]) => ({
            name,
            label: a.label,
            toApplicant: a.to === '@applicant',
            needsNote: !!a.guards?.includes('noteGiven'),
            reasons: a.reasons ?? [],
          })),
          seat: seatFor(person, ref.agencyCode, ref.role),
          claimedByMe: ref.status === 'claimed' && ref.claimedBy === person?.id,
          claimedByOther: ref.status === 'claimed' && ref.claimedBy !== person?.id,
          awaitsPayment: !!stage.fee && !!app.fee && app.fee.stage === ref.stage && !app.fee.paidAt,
          reassignTo:
            team && supervises(ref.agencyCode)
              ? team.members
                  .filter((m) => m.roles.includes(ref.role as StaffRole) && m.staffId !== ref.claimedBy)
                  .map(({ staffId, name }) => ({ staffId, name }))
              : null,
        };
      }),
    };
  }

  private async definition(req: Request, code: string, version: number): Promise<WorkflowDefinition> {
    const key = `${code}@${version}`;
    const cached = this.workflows.get(key);
    if (cached) return cached;
    const published = await this.api.get<PublishedWorkflow>(
      req,
      `/workflows/${encodeURIComponent(code)}?version=${version}`,
    );
    this.workflows.set(key, published.definition);
    return published.definition;
  }

  /**
   * The dossier (or its history) as this officer may see it: an officer of an agency the file has
   * not reached in tracking yet (its stage event still on its way) sees the file without it.
   */
  private async dossierPart<T>(req: Request, token: string, app: Application, part: string) {
    if (!app.trackingNumber) return null;
    try {
      return await this.api.get<T>(req, `/dossiers/${app.trackingNumber}${part}`, token);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 404) return null;
      throw e;
    }
  }
}
