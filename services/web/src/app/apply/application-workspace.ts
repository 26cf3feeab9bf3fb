import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import type {
  Application,
  ApplicationDocuments,
  DocumentView,
  FormField,
  PermitType,
  PermitTypeList,
  RequiredDocument,
} from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { questionPages, unanswered } from './form-answers';
import { asksForPlace, PlaceDirectory, type RegionPlaces } from './region-places';

/**
 * The questions put to the applicant: all of the permit type's, less a place question in a region this
 * deployment has no kelurahan list for (nobody could choose; the API does not require it there).
 */
const questionsAsked = (form: FormField[], places: RegionPlaces | null) =>
  places ? form : form.filter((f) => f.type !== 'area');

const editable = (app: Application) => app.status === 'draft' || app.status === 'returned';

export type TaskState = 'done' | 'started' | 'todo' | 'optional' | 'blocked' | 'fix';

/** A document the permit type asks for: its current files (oldest first) and how many it takes. */
export interface RequirementEntry {
  requirement: RequiredDocument;
  files: DocumentView[];
  maxFiles: number;
  state: TaskState;
}

/** What a question page needs: the file and its permit type's questions (not its documents). */
export interface FormWorkspace {
  app: Application;
  type: PermitType;
  pages: FormField[][];
  editable: boolean;
  /** The region's kelurahan, when the form asks where (null when it does not). */
  places: RegionPlaces | null;
}

/** An application as its task list needs it: the file, its permit type's questions, its documents. */
export interface Workspace extends FormWorkspace {
  documents: DocumentView[];
  /** The answers part of the task list, per page of questions. */
  answers: TaskState[];
  /** Each document the permit type asks for, with the files that meet it now. */
  requirements: RequirementEntry[];
  /** Everything required is in: the check-your-answers page may be opened. */
  ready: boolean;
}

/**
 * Loads an application for its pages, through the API as the signed-in person (who must be allowed
 * to see it), and works out the task list's states. Permit types change rarely (a new workflow
 * version): they are kept a minute.
 */
@Injectable()
export class ApplicationWorkspace {
  private readonly types = new LRUCache<string, PermitType>({ max: 100, ttl: 60_000 });

  constructor(
    private readonly api: ApiClient,
    private readonly placeDirectory: PlaceDirectory,
  ) {}

  private catalogue: { types: PermitType[]; until: number } | null = null;

  async permitType(req: Request, code: string): Promise<PermitType> {
    const cached = this.types.get(code);
    if (cached) return cached;
    const type = await this.api.get<PermitType>(req, `/permit-types/${encodeURIComponent(code)}`);
    this.types.set(code, type);
    return type;
  }

  /** Every permit type of the catalogue (the desk's filter), kept a minute like each type. */
  async permitTypes(req: Request): Promise<PermitType[]> {
    if (this.catalogue && this.catalogue.until > Date.now()) return this.catalogue.types;
    const { items } = await this.api.get<PermitTypeList>(req, '/permit-types');
    this.catalogue = { types: items, until: Date.now() + 60_000 };
    return items;
  }

  /** The application and its questions only: a question page asks nothing of the dossier. */
  async form(req: Request, token: string, id: string): Promise<FormWorkspace> {
    const app = await this.api.get<Application>(req, `/applications/${encodeURIComponent(id)}`, token);
    const type = await this.permitType(req, app.permitType);
    const places = await this.placesFor(req, type, app);
    return {
      app,
      type,
      pages: questionPages(questionsAsked(type.form, places)),
      editable: editable(app),
      places,
    };
  }

  /** The application's region's places, when its permit type's form asks where. */
  placesFor(req: Request, type: PermitType, app: Application): Promise<RegionPlaces | null> {
    return asksForPlace(type.form) ? this.placeDirectory.of(req, app.regionCode) : Promise.resolve(null);
  }

  async load(req: Request, token: string, id: string): Promise<Workspace> {
    const path = `/applications/${encodeURIComponent(id)}`;
    const [app, docs] = await Promise.all([
      this.api.get<Application>(req, path, token),
      this.api.get<ApplicationDocuments>(req, `${path}/documents`, token),
    ]);
    const type = await this.permitType(req, app.permitType);
    const places = await this.placesFor(req, type, app);
    const form = app.form as Record<string, unknown>;
    // While returned, what the officer named stays "to fix" until changed (answers) or uploaded again.
    const asked = app.status === 'returned' ? app.correction : null;
    const pages = questionPages(questionsAsked(type.form, places));
    const answers = pages.map((fields): TaskState => {
      const missing = unanswered(fields, form).length;
      if (missing) return missing < fields.filter((f) => f.required).length ? 'started' : 'todo';
      return fields.some((f) => asked?.fields.includes(f.name)) ? 'fix' : 'done';
    });
    const requirements = type.requiredDocuments.map((requirement): RequirementEntry => {
      const files = docs.items
        .filter((d) => d.kind === requirement.kind)
        .sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt));
      const again = !!asked && files.some((f) => f.uploadedAt > asked.returnedAt);
      const reupload = !!asked?.documents.includes(requirement.kind) && !again;
      const state: TaskState = reupload
        ? 'fix'
        : files.length
          ? 'done'
          : requirement.mandatory
            ? 'todo'
            : 'optional';
      return { requirement, files, maxFiles: requirement.maxFiles ?? 1, state };
    });
    return {
      app,
      type,
      pages,
      documents: docs.items,
      answers,
      requirements,
      // Complete: what is still marked "to fix" may be sent as it is (the officer sees nothing changed).
      ready:
        answers.every((a) => a === 'done' || a === 'fix') && requirements.every((r) => r.state !== 'todo'),
      editable: editable(app),
      places,
    };
  }
}
