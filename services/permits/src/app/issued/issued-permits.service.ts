import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PermitsEnv } from '@berkas/config';
import { AppError, type IssuedPermit, type PermitVerification, type Principal } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { requireRole } from '@berkas/auth';
import { formatPermitNumber } from '../../domain/permit-number';
import { PermitSeal } from '../../domain/permit-seal';
import type { ApplicationRecord } from '../applications/application.entity';
import { CatalogService } from '../catalog/catalog.service';
import { IssuedPermitRecord } from './issued-permit.entity';

/** A date `months` after `from`, as YYYY-MM-DD (end of validity). */
function addMonths(from: Date, months: number): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + months, from.getUTCDate()));
  return d.toISOString().slice(0, 10);
}

/**
 * Issued permits: a number from the issuing agency's sequence for the year (allocated in the same
 * transaction as the decision, so numbers have no gaps and no duplicates), a validity period, and
 * a sealed verification code for the QR.
 */
@Injectable()
export class IssuedPermitsService {
  readonly seal: PermitSeal;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly outbox: Outbox,
    private readonly env: PermitsEnv,
  ) {
    this.seal = new PermitSeal(env.sealSecret);
  }

  async issue(m: EntityManager, app: ApplicationRecord, agencyCode: string): Promise<IssuedPermitRecord> {
    const type = this.catalog.type(app.permitType);
    const issuedAt = new Date();
    const year = issuedAt.getUTCFullYear();
    // Row-locked counter: concurrent issues queue here, and a rolled-back issue gives its number back.
    const [{ last_value: sequence }] = await m.query(
      `INSERT INTO permit_sequences (agency_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (agency_code, year) DO UPDATE SET last_value = permit_sequences.last_value + 1
       RETURNING last_value`,
      [agencyCode, year],
    );
    const number = formatPermitNumber({
      classification: type.number.classification,
      sequence,
      code: type.number.code,
      agency: agencyCode,
      year,
    });
    const validUntil = type.validityMonths ? addMonths(issuedAt, type.validityMonths) : null;
    const permit = m.create(IssuedPermitRecord, {
      applicationId: app.id,
      number,
      agencyCode,
      issuingAgencyId: app.issuingAgencyId,
      regionCode: app.regionCode,
      year,
      sequence,
      permitType: { code: type.code, name: type.name },
      holderName: app.applicantName,
      issuedAt,
      validUntil,
      verificationCode: this.seal.seal({
        n: number,
        t: type.code,
        h: app.applicantName,
        i: issuedAt.toISOString().slice(0, 10),
        v: validUntil,
      }),
    });
    await m.save(permit);
    await this.outbox.add(
      m,
      'evt.permits.permit-issued',
      { permitId: permit.id, applicationId: app.id, number },
      { source: '/berkas/permits', subject: number },
    );
    return permit;
  }

  async forApplication(
    p: Principal | undefined,
    applicationId: string,
    canView: () => Promise<boolean>,
  ): Promise<IssuedPermit> {
    const permit = await this.dataSource.getRepository(IssuedPermitRecord).findOneBy({ applicationId });
    if (!permit || !(await canView()))
      throw new AppError('NOT_FOUND', 404, 'No permit was issued for this application');
    return this.toView(permit);
  }

  /** A supervisor of the issuing agency revokes a permit; the reason goes into the application's history. */
  async revoke(
    p: Principal | undefined,
    applicationId: string,
    reason: string,
    record: (m: EntityManager, data: Record<string, unknown>) => Promise<void>,
  ): Promise<IssuedPermit> {
    return this.dataSource.transaction(async (m) => {
      const permit = await m
        .getRepository(IssuedPermitRecord)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where({ applicationId })
        .getOne();
      if (!permit) throw new AppError('NOT_FOUND', 404, 'No permit was issued for this application');
      requireRole(p, ['supervisor'], permit.issuingAgencyId);
      if (permit.revokedAt) throw new AppError('ALREADY_REVOKED', 409, 'This permit is already revoked');
      permit.revokedAt = new Date();
      await m.update(IssuedPermitRecord, { id: permit.id }, { revokedAt: permit.revokedAt });
      await record(m, { number: permit.number, reason });
      return this.toView(permit);
    });
  }

  /** Public: genuine (seal holds and we issued it), and whether it is valid, expired or revoked. */
  async verify(code: string): Promise<PermitVerification> {
    const sealed = this.seal.open(code);
    if (!sealed) return { genuine: false, status: 'unknown' };
    const permit = await this.dataSource.getRepository(IssuedPermitRecord).findOneBy({ number: sealed.n });
    if (!permit || permit.verificationCode !== code) return { genuine: false, status: 'unknown' };
    const today = new Date().toISOString().slice(0, 10);
    const status = permit.revokedAt
      ? 'revoked'
      : permit.validUntil && permit.validUntil < today
        ? 'expired'
        : 'valid';
    return {
      genuine: true,
      status,
      number: permit.number,
      permitType: permit.permitType,
      holderName: permit.holderName,
      issuedAt: permit.issuedAt.toISOString(),
      validUntil: permit.validUntil,
    };
  }

  verificationUrl(code: string): string {
    return `${this.env.publicUrl.replace(/\/$/, '')}/verifikasi/${code}`;
  }

  toView(p: IssuedPermitRecord): IssuedPermit {
    return {
      id: p.id,
      number: p.number,
      permitType: p.permitType,
      holderName: p.holderName,
      issuedAt: p.issuedAt.toISOString(),
      validUntil: p.validUntil,
      verificationCode: p.verificationCode,
      verificationUrl: this.verificationUrl(p.verificationCode),
      revokedAt: p.revokedAt?.toISOString() ?? null,
      documentId: p.documentId,
    };
  }
}
