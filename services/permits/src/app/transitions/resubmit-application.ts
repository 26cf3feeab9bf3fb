import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { actorOf } from '@berkas/auth';
import { AppError, type Application, type DocumentView, type Principal } from '@berkas/contracts';
import { IdempotentTransactions } from '@berkas/messaging';
import { resubmit } from '../../domain/workflow-engine';
import { noApplication, requireApplicant, visibleApplication } from '../applications/application-access';
import { ApplicationCompleteness } from '../applications/application-completeness';
import { toApplication } from '../applications/application-view';
import type { ApplicationRecord, StoredCorrection } from '../applications/application.entity';
import { ApplicationLedger } from '../ledger/application-ledger';
import { TransitionPlanner } from './transition-planner';

const notReturned = () =>
  new AppError('NOT_RETURNED', 409, 'This application is not waiting for a correction');

/**
 * The return answered: which answers differ from when the file was returned, and the kinds of
 * document uploaded or withdrawn since, so the officer sees what changed.
 */
function answered(app: ApplicationRecord, documents: DocumentView[]): StoredCorrection | null {
  const asked = app.correction;
  if (!asked) return null;
  const names = new Set([...Object.keys(asked.formBefore), ...Object.keys(app.form)]);
  const same = (name: string) => JSON.stringify(asked.formBefore[name]) === JSON.stringify(app.form[name]);
  return {
    ...asked,
    answeredAt: new Date().toISOString(),
    changedFields: [...names].filter((n) => !same(n)).sort(),
    changedDocuments: [
      ...new Set(
        documents
          .filter((d) => d.uploadedAt > asked.returnedAt || (d.withdrawnAt ?? '') > asked.returnedAt)
          .map((d) => d.kind),
      ),
    ].sort(),
  };
}

/**
 * Resubmit after a correction: complete again (read from tracking before the transaction), the file
 * goes back to the stage (or parallel group) that returned it, and the service clock runs again.
 */
@Injectable()
export class ResubmitApplication {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly completeness: ApplicationCompleteness,
    private readonly ledger: ApplicationLedger,
    private readonly planner: TransitionPlanner,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async run(p: Principal | undefined, id: string): Promise<Application> {
    const applicant = requireApplicant(p);
    const before = await visibleApplication(this.dataSource.manager, applicant, id);
    // Otherwise on to the transaction: a retry with its Idempotency-Key gets the first reply.
    const documents = before.status === 'returned' ? await this.completeness.check(before) : [];
    const { def, owners, calendar } = await this.planner.inputsFor(before);
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lock(m, id);
      if (!locked) throw noApplication();
      if (locked.app.status !== 'returned' || !locked.app.flow) throw notReturned();
      const correction = answered(locked.app, documents);
      const change = await this.planner.plan(m, locked, def, resubmit(def, locked.app.flow), {
        actor: actorOf(applicant),
        owners,
        calendar,
        type: 'resubmitted',
        ...(correction
          ? {
              app: { correction },
              data: {
                changedFields: correction.changedFields,
                changedDocuments: correction.changedDocuments,
              },
            }
          : {}),
      });
      return toApplication(locked.app, def, await this.ledger.commit(m, locked, change));
    });
  }
}
