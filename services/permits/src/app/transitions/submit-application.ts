import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { actorOf } from '@berkas/auth';
import { AppError, type Application, type Principal } from '@berkas/contracts';
import { IdempotentTransactions, ServiceClient } from '@berkas/messaging';
import { start } from '../../domain/workflow-engine';
import { noApplication, requireApplicant, visibleApplication } from '../applications/application-access';
import { ApplicationCompleteness } from '../applications/application-completeness';
import { ApplicationDossier } from '../applications/application-dossier';
import { toApplication } from '../applications/application-view';
import { ApplicationLedger } from '../ledger/application-ledger';
import { TransitionPlanner } from './transition-planner';

const alreadySubmitted = () =>
  new AppError('ALREADY_SUBMITTED', 409, 'This application was already submitted');

/**
 * Submit: the form is complete and every mandatory document is in the dossier, so the workflow
 * starts at its first stage. Completeness is read from tracking before the transaction; the dossier
 * is activated (tracked publicly) after the commit, and again by the follow-ups consumer from the
 * event should this process stop in between (activating is idempotent).
 */
@Injectable()
export class SubmitApplication {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly completeness: ApplicationCompleteness,
    private readonly ledger: ApplicationLedger,
    private readonly planner: TransitionPlanner,
    private readonly transactions: IdempotentTransactions,
    private readonly services: ServiceClient,
    private readonly dossier: ApplicationDossier,
  ) {}

  async run(p: Principal | undefined, id: string): Promise<Application> {
    const applicant = requireApplicant(p);
    const before = await visibleApplication(this.dataSource.manager, applicant, id);
    // A submitted one goes on to the transaction: a retry with its Idempotency-Key gets the first reply.
    if (before.status === 'draft') await this.completeness.check(before);
    const { def, owners, calendar } = await this.planner.inputsFor(before);
    const reply = await this.transactions.run(async (m) => {
      const locked = await this.ledger.lock(m, id);
      if (!locked) throw noApplication();
      if (locked.app.status !== 'draft') throw alreadySubmitted();
      const now = new Date();
      const change = await this.planner.plan(m, locked, def, start(def), {
        actor: actorOf(applicant),
        owners,
        calendar,
        type: 'submitted',
        app: { status: 'in-review', submittedAt: now },
      });
      return toApplication(locked.app, def, await this.ledger.commit(m, locked, change));
    });
    await this.services.request(
      'tracking.dossiers.activate',
      { trackingNumber: await this.dossier.ensure(before) },
      { asService: true },
    );
    return reply;
  }
}
