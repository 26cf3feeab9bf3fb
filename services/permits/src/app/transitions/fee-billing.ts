import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, type FeeBill } from '@berkas/contracts';
import { evaluateFee } from '../../domain/fee-formula';
import { formatBillNumber } from '../../domain/permit-number';
import type { TaskStage } from '../../domain/workflow-definition';
import { localDateIn, localYearIn } from '../../domain/working-calendar';
import type { ApplicationRecord } from '../applications/application.entity';
import { ApplicationLedger } from '../ledger/application-ledger';

/** An SKRD falls due 30 days after it is issued (UU 1/2022, HKPD: retribution due within 30 days). */
const DAYS_TO_PAY = 30;

/**
 * The levy (retribusi) a fee stage bills when it opens: computed from the form by the stage's
 * formula, numbered in the region's own bill sequence for its local year. An unpaid bill of the same
 * stage (the stage opening again after a correction) is kept, not billed twice.
 */
@Injectable()
export class FeeBilling {
  constructor(private readonly ledger: ApplicationLedger) {}

  /** The bill the stage's opening leaves on the application; null when it bills nothing new. */
  async billFor(
    m: EntityManager,
    app: ApplicationRecord,
    stageId: string,
    stage: TaskStage,
    now: Date,
  ): Promise<FeeBill | null> {
    if (!stage.fee || (app.fee?.stage === stageId && !app.fee.paidAt)) return null;
    let amount: number;
    try {
      amount = evaluateFee(stage.fee.formula, app.form);
    } catch (e) {
      throw new AppError('FEE_NOT_COMPUTABLE', 409, `The levy cannot be computed: ${(e as Error).message}`);
    }
    const year = localYearIn(app.regionCode, now);
    const sequence = await this.ledger.nextBillSequence(m, app.regionCode, year);
    return {
      stage: stageId,
      amount,
      currency: stage.fee.currency,
      billNumber: formatBillNumber({ regionCode: app.regionCode, year, sequence }),
      issuedAt: now.toISOString(),
      dueDate: localDateIn(app.regionCode, new Date(now.getTime() + DAYS_TO_PAY * 86_400_000)),
      paidAt: null,
      paymentReference: null,
    };
  }
}
