import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { formatPermitNumber, type IssuingOffice } from '../../domain/permit-number';
import { localDateIn, localYearIn } from '../../domain/working-calendar';
import type { ApplicationRecord } from '../applications/application.entity';
import { CatalogService } from '../catalog/catalog.service';
import { IssuedPermitRecord } from '../issued/issued-permit.entity';
import { IssuedPermitsService } from '../issued/issued-permits.service';
import { ApplicationLedger, type PendingEvent } from '../ledger/application-ledger';

/** A date `months` after the local date `from` (YYYY-MM-DD), as YYYY-MM-DD: the end of validity. */
function addMonths(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

/**
 * The permit a decision issues: numbered in the issuing office's sequence (region + agency) for the
 * region's local year, in the deciding transaction, so numbers have no gaps and no duplicates; held
 * by the company for a company's application; sealed for its QR code. The ledger writes it with the
 * transition, and its event asks for the printed document (FollowUpsService).
 */
@Injectable()
export class PermitIssuing {
  constructor(
    private readonly ledger: ApplicationLedger,
    private readonly catalog: CatalogService,
    private readonly permits: IssuedPermitsService,
  ) {}

  async issue(
    m: EntityManager,
    app: ApplicationRecord,
    issuedAt: Date,
  ): Promise<{ permit: IssuedPermitRecord; event: PendingEvent<'evt.permits.permit-issued'> }> {
    const type = this.catalog.type(app.permitType);
    const office: IssuingOffice = { regionCode: app.regionCode, agencyCode: type.issuingAgency };
    const year = localYearIn(app.regionCode, issuedAt);
    const sequence = await this.ledger.nextPermitSequence(m, office, year);
    const number = formatPermitNumber({
      classification: type.number.classification,
      sequence,
      code: type.number.code,
      office,
      year,
    });
    const issuedOn = localDateIn(app.regionCode, issuedAt);
    const validUntil = type.validityMonths ? addMonths(issuedOn, type.validityMonths) : null;
    const permit = m.create(IssuedPermitRecord, {
      id: randomUUID(),
      applicationId: app.id,
      number,
      agencyCode: office.agencyCode,
      issuingAgencyId: app.issuingAgencyId,
      regionCode: app.regionCode,
      year,
      sequence,
      permitType: { code: type.code, name: type.name },
      holderName: app.holderName,
      issuedAt,
      validUntil,
      verificationCode: this.permits.seal.seal({
        n: number,
        t: type.code,
        h: app.holderName,
        i: issuedOn,
        v: validUntil,
      }),
      documentId: null,
      revokedAt: null,
    });
    return {
      permit,
      event: {
        type: 'evt.permits.permit-issued',
        data: { permitId: permit.id, applicationId: app.id, number },
        subject: number,
      },
    };
  }
}
