import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { durableConsumer, type Actor, type TypedCloudEvent } from '@berkas/contracts';
import { IdempotentConsumers } from '@berkas/messaging';
import { AgencyDirectory } from '../agencies/agency-directory.service';
import { findDossier } from '../dossiers/dossier-lookup';
import { DossierRecord, type PublicProgress } from '../dossiers/dossier.entity';
import { HistoryService } from '../dossiers/history.service';
import { LABELS } from '../dossiers/labels';

const WORKFLOW: Actor = { kind: 'service', id: 'permits', name: 'permit workflow' };
type Stage = PublicProgress['currentStages'][number];
const key = (s: Stage) => `${s.agency.code}|${s.label.id}`;

/**
 * Keeps the public tracking page in step with the permit workflow: which stages are open, at which
 * agency, due when, and whether the file waits on the applicant. Each stage that starts and each
 * request for corrections becomes a milestone of the dossier's history. Events are applied once
 * (IdempotentConsumers); one older than what the dossier already shows is ignored.
 */
@Injectable()
export class ApplicationProgressConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: { stop(): Promise<void> };
  private readonly agencyNames = new Map<string, string>();

  constructor(
    private readonly consumers: IdempotentConsumers,
    private readonly agencies: AgencyDirectory,
    private readonly history: HistoryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.consumers.start({
      ...durableConsumer('tracking-progress'),
      // A stage's milestone must not be skipped as stale because a redelivery overtook it.
      inOrder: true,
      handle: (event, m) => this.apply(event, m),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  async apply(event: TypedCloudEvent<'evt.permits.application-changed'>, m: EntityManager): Promise<void> {
    const change = event.data;
    if (!change.trackingNumber || !change.progress) return; // a draft: not public yet
    const d = await findDossier(m, change.trackingNumber, true);
    const at = new Date(event.time);
    if (d.progressAt && d.progressAt > at) return;
    const stages: Stage[] = await Promise.all(
      change.progress.stages.map(async (s) => ({
        label: s.label,
        agency: { code: s.agencyCode, name: await this.agencyName(s.agencyId) },
        dueAt: s.dueAt,
      })),
    );
    const before = new Set(d.progress.currentStages.map(key));
    for (const stage of stages.filter((s) => !before.has(key(s)))) {
      await this.history.append(
        m,
        d,
        'stage-started',
        WORKFLOW,
        {
          applicationId: change.applicationId,
          label: stage.label,
          agency: stage.agency.code,
          dueAt: stage.dueAt,
        },
        { label: stage.label, agency: stage.agency },
      );
    }
    if (change.progress.awaitingApplicant && !d.progress.awaitingApplicant) {
      await this.history.append(
        m,
        d,
        'awaiting-applicant',
        WORKFLOW,
        { applicationId: change.applicationId },
        { label: LABELS.awaitingApplicant },
      );
    }
    await m.update(DossierRecord, { id: d.id }, {
      progress: { currentStages: stages, awaitingApplicant: change.progress.awaitingApplicant },
      progressAt: at,
      dueAt: change.progress.dueAt,
    } as never);
  }

  /** Agency names for the public page; they seldom change, so each is asked once per process. */
  private async agencyName(agencyId: string): Promise<string> {
    let name = this.agencyNames.get(agencyId);
    if (!name) {
      name = (await this.agencies.snapshot(agencyId, '/progress/stages/agencyId')).name;
      this.agencyNames.set(agencyId, name);
    }
    return name;
  }
}
