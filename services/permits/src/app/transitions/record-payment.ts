import { Injectable } from '@nestjs/common';
import { actorOf, capacityFor, requirePrincipal } from '@berkas/auth';
import { AppError, type Application, type Principal, type RecordPaymentRequest } from '@berkas/contracts';
import { IdempotentTransactions } from '@berkas/messaging';
import { toApplication } from '../applications/application-view';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger } from '../ledger/application-ledger';

/**
 * Records a levy's payment, by an officer who holds the fee stage's role in its agency. The fee
 * stage's "paid" action then finds its guard holding.
 */
@Injectable()
export class RecordPayment {
  constructor(
    private readonly catalog: CatalogService,
    private readonly ledger: ApplicationLedger,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async run(p: Principal | undefined, req: RecordPaymentRequest): Promise<Application> {
    const officer = requirePrincipal(p);
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lock(m, req.applicationId);
      const fee = locked?.app.fee;
      if (!locked || !fee) throw new AppError('NOT_FOUND', 404, 'This application has no levy to pay');
      if (fee.paidAt) throw new AppError('ALREADY_PAID', 409, `Bill ${fee.billNumber} is already paid`);
      const task = locked.open.find((t) => t.stage === fee.stage);
      if (!task) throw new AppError('FEE_STAGE_NOT_OPEN', 409, 'The levy stage is not open');
      const capacity = capacityFor(officer, [task.role], task.agencyId);
      if (!capacity)
        throw new AppError('FORBIDDEN', 403, `Payments are recorded by a ${task.role} of ${task.agencyCode}`);
      const paid = { ...fee, paidAt: new Date().toISOString(), paymentReference: req.reference.trim() };
      const open = await this.ledger.commit(m, locked, {
        app: { fee: paid, updatedAt: new Date() },
        history: [
          {
            type: 'fee-paid',
            actor: actorOf(officer, capacity),
            data: { billNumber: paid.billNumber, amount: paid.amount, reference: paid.paymentReference },
          },
        ],
      });
      const def = await this.catalog.version(locked.app.workflowCode, locked.app.workflowVersion);
      return toApplication(locked.app, def, open);
    });
  }
}
