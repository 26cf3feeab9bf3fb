import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PermitsEnv } from '@berkas/config';
import { AppError, type IssuedPermit, type PermitVerification, type Principal } from '@berkas/contracts';
import { requireRole } from '@berkas/auth';
import { PermitSeal } from '../../domain/permit-seal';
import { IssuedPermitRecord } from './issued-permit.entity';

/**
 * Issued permits once issued (transitions/permit-issuing.ts issues them): reading one, revoking it,
 * and verifying its sealed code, the QR's, for anyone.
 */
@Injectable()
export class IssuedPermitsService {
  readonly seal: PermitSeal;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: PermitsEnv,
  ) {
    this.seal = new PermitSeal(env.sealSecret);
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
