import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdentityEnv } from '@berkas/config';
import type { Principal, StaffRole } from '@berkas/contracts';
import { Agency, Region } from '../agencies/agency.entity';
import { AgenciesService } from '../agencies/agencies.service';
import { ApplicantsService } from '../applicants/applicants.service';
import { StaffService } from '../staff/staff.service';
import demo from './demo-data.json';

const SEED_LOCK = 0x64656d6f; // "demo"
/** The seeder acts as the system itself, through the same services (and checks) an admin would use. */
const SEEDER: Principal = { kind: 'system', id: 'demo-seed', roles: ['system-admin'] };

/**
 * Kota Bogor with four agencies, officers in every role, a citizen and a company with two members,
 * all with the password in demo-data.json. Loaded only with DEMO_DATA=true (refused in production),
 * once: a second start finds the region and leaves everything as it is.
 */
@Injectable()
export class DemoDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoData');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: IdentityEnv,
    private readonly agencies: AgenciesService,
    private readonly staff: StaffService,
    private readonly applicants: ApplicantsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.demoData) return;
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [SEED_LOCK]);
      if (await this.dataSource.getRepository(Region).findOneBy({ code: demo.region.code })) return;
      await this.seed();
      this.logger.log(
        `demo data loaded: ${demo.region.name}, ${demo.agencies.length} agencies, ${demo.staff.length} officers`,
      );
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK]).catch(() => undefined);
      await lock.release();
    }
  }

  private async seed(): Promise<void> {
    await this.agencies.createRegion(SEEDER, demo.region);
    const ids = new Map<string, Agency['id']>();
    const units = new Map<string, string>();
    for (const a of demo.agencies) {
      const agency = await this.agencies.create(SEEDER, {
        regionCode: demo.region.code,
        code: a.code,
        name: a.name,
      });
      ids.set(a.code, agency.id);
      for (const u of a.units) {
        units.set(
          `${a.code}/${u.code}`,
          (await this.agencies.createUnit(SEEDER, { agencyId: agency.id, ...u })).id,
        );
      }
    }
    const agencyIdOf = (code: string) => {
      const id = ids.get(code);
      if (!id) throw new Error(`demo-data.json: staff of unknown agency ${code}`);
      return id;
    };
    const supervisors = new Map<string, string>();
    for (const s of [...demo.staff].sort(
      (a, b) => Number(b.roles.includes('supervisor')) - Number(a.roles.includes('supervisor')),
    )) {
      const unitId = 'unit' in s && s.unit ? units.get(`${s.agency}/${s.unit}`) : undefined;
      const created = await this.staff.create(SEEDER, {
        nip: s.nip,
        name: s.name,
        email: s.email,
        agencyId: agencyIdOf(s.agency),
        ...(unitId ? { unitId } : {}),
        position: s.position,
        roles: s.roles as StaffRole[],
        password: demo.password,
        ...(supervisors.has(s.agency) && !s.roles.includes('supervisor')
          ? { supervisorId: supervisors.get(s.agency) }
          : {}),
      });
      if (s.roles.includes('supervisor')) supervisors.set(s.agency, created.id);
    }
    await this.applicants.createConfirmed({ kind: 'person', ...demo.person, password: demo.password });
    for (const member of demo.company.members)
      await this.applicants.createConfirmed({
        kind: 'company',
        nib: demo.company.nib,
        companyName: demo.company.name,
        ...member,
        password: demo.password,
      });
  }
}
