import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { actorOf } from '@berkas/auth';
import { AppError, type Application, type Principal } from '@berkas/contracts';
import { IdempotentTransactions } from '@berkas/messaging';
import { withdraw } from '../../domain/workflow-engine';
import { noApplication, requireApplicant, visibleApplication } from '../applications/application-access';
import { toApplication } from '../applications/application-view';
import { ApplicationLedger } from '../ledger/application-ledger';
import { TransitionPlanner } from './transition-planner';

/**
 * The applicant withdraws before a decision. A submitted file's open tasks are cancelled and its
 * clock stops through the engine; a draft simply ends (it was never tracked, so nobody else is told).
 */
@Injectable()
export class WithdrawApplication {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: ApplicationLedger,
    private readonly planner: TransitionPlanner,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async run(p: Principal | undefined, id: string): Promise<Application> {
    const applicant = requireApplicant(p);
    const before = await visibleApplication(this.dataSource.manager, applicant, id);
    const { def, owners, calendar } = await this.planner.inputsFor(before);
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lock(m, id);
      if (!locked) throw noApplication();
      const { app } = locked;
      if (['issued', 'rejected', 'withdrawn'].includes(app.status))
        throw new AppError('ALREADY_DECIDED', 409, `This application is already ${app.status}`);
      const actor = actorOf(applicant);
      const change = app.flow
        ? await this.planner.plan(m, locked, def, withdraw(app.flow), {
            actor,
            owners,
            calendar,
            type: 'withdrawn',
          })
        : {
            app: { status: 'withdrawn' as const, outcome: 'withdrawn', updatedAt: new Date() },
            history: [{ type: 'withdrawn', actor, data: {} }],
          };
      return toApplication(app, def, await this.ledger.commit(m, locked, change));
    });
  }
}
