import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { durableConsumer, type Actor, type TypedCloudEvent } from '@berkas/contracts';
import { IdempotentConsumers } from '@berkas/messaging';
import { AgencyDirectory } from '../agencies/agency-directory.service';
import { DossierLedger, type DossierEntry } from '../dossiers/dossier-ledger';
import type { PublicProgress } from '../dossiers/dossier.entity';
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
    private readonly ledger: DossierLedger,
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
    const progress = change.progress;
    if (!change.trackingNumber || !progress) return; // a draft: not public yet
    const d = await this.ledger.lock(m, change.trackingNumber);
    const at = new Date(event.time);
    if (d.progressAt && d.progressAt > at) return;
    const stages: Stage[] = await Promise.all(
      progress.stages.map(async (s) => ({
        label: s.label,
        agency: { code: s.agencyCode, name: await this.agencyName(s.agencyId) },
        dueAt: s.dueAt,
      })),
    );
    const before = new Set(d.progress.currentStages.map(key));
    const milestones: DossierEntry[] = stages
      .map((stage, i) => ({ stage, agencyId: progress.stages[i].agencyId }))
      .filter(({ stage }) => !before.has(key(stage)))
      .map(({ stage, agencyId }) => ({
        type: 'stage-started',
        actor: WORKFLOW,
        // The agency's id makes it one of the dossier's custody chain: its officers read the documents.
        data: {
          applicationId: change.applicationId,
          label: stage.label,
          agency: stage.agency.code,
          agencyId,
          dueAt: stage.dueAt,
        },
        milestone: { label: stage.label, agency: stage.agency },
      }));
    if (progress.awaitingApplicant && !d.progress.awaitingApplicant)
      milestones.push({
        type: 'awaiting-applicant',
        actor: WORKFLOW,
        data: { applicationId: change.applicationId },
        milestone: { label: LABELS.awaitingApplicant },
      });
    await this.ledger.commit(m, d, {
      dossier: {
        progress: { currentStages: stages, awaitingApplicant: progress.awaitingApplicant },
        progressAt: at,
        dueAt: progress.dueAt,
      },
      history: milestones,
    });
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
