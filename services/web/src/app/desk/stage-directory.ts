import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Bilingual, PermitType, PublishedWorkflow } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import type { Seat } from '../sessions/session-middleware';

/** How long the current workflows are reused: a new version is published a few times a year. */
const TTL_MS = 5 * 60_000;

/** A stage an officer's queues can hold, for the desk's stage filter. */
export interface DeskStage {
  name: string;
  label: Bilingual;
}

interface OwnedStage extends DeskStage {
  agencyCode: string;
  role: string;
}

/**
 * The task stages of the current workflows, read through the API (public definitions) and kept a
 * few minutes, so the desk can offer "narrow to a stage" with the stages the officer's seats work.
 */
@Injectable()
export class StageDirectory {
  private cached: { stages: OwnedStage[]; until: number } | null = null;

  constructor(private readonly api: ApiClient) {}

  /** Stages owned by one of the seats (agency and role), each named once. */
  async stagesFor(req: Request, types: PermitType[], seats: Seat[]): Promise<DeskStage[]> {
    const owned = (await this.all(req, types)).filter((s) =>
      seats.some((seat) => seat.agencyCode === s.agencyCode && seat.roles.includes(s.role)),
    );
    return [...new Map(owned.map((s) => [s.name, { name: s.name, label: s.label }])).values()];
  }

  private async all(req: Request, types: PermitType[]): Promise<OwnedStage[]> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.stages;
    const workflows = await Promise.all(
      [...new Set(types.map((t) => t.workflow))].map((code) =>
        this.api.get<PublishedWorkflow>(req, `/workflows/${encodeURIComponent(code)}`),
      ),
    );
    const stages = workflows.flatMap((w) =>
      Object.entries(w.definition.stages).flatMap(([name, stage]) =>
        stage.kind === 'task'
          ? [{ name, label: stage.label, agencyCode: stage.owner.agencyCode, role: stage.owner.role }]
          : [],
      ),
    );
    this.cached = { stages, until: Date.now() + TTL_MS };
    return stages;
  }
}
