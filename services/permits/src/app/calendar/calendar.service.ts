import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { requireRole } from '@berkas/auth';
import {
  AppError,
  type Calendar,
  type Principal,
  type RemoveCalendarDayRequest,
  type SetCalendarDayRequest,
} from '@berkas/contracts';
import { utcOffsetHours, WorkingCalendar } from '../../domain/working-calendar';
import { Holiday } from './holiday.entity';

const SEED_FILE = join(__dirname, '../../../data/holidays-id.json');
const CACHE_MS = 5 * 60_000;

interface Seed {
  source: string;
  years: Record<
    string,
    {
      decree: string;
      holidays: Array<{ date: string; name_id: string; name_en: string; kind: Holiday['kind'] }>;
    }
  >;
}

/**
 * Working-day calendars per region: national holidays and collective leave from the joint decree
 * (seeded from data/holidays-id.json, which keeps its source line), plus what an operator adds.
 */
/**
 * A region's own days off move every agency's due dates (and fiktif positif) in the region, so they
 * are the deployment's administrators' to set, not any one agency's.
 */
function requireRegionAdmin(p: Principal | undefined): void {
  requireRole(p, ['system-admin']);
}

@Injectable()
export class CalendarService implements OnModuleInit {
  private readonly cache = new Map<string, { calendar: WorkingCalendar; at: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const seed = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Seed;
    const rows = Object.values(seed.years).flatMap((y) =>
      y.holidays.map((h) => ({
        regionCode: null,
        date: h.date,
        nameId: h.name_id,
        nameEn: h.name_en,
        kind: h.kind,
        source: y.decree,
      })),
    );
    // Insert what is missing; an operator's edits to existing days stay as they are.
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Holiday)
      .values(rows)
      .orIgnore()
      .execute();
    const added = result.identifiers.filter(Boolean).length;
    if (added)
      new Logger('Calendar').log(`seeded ${added} national holidays (${Object.keys(seed.years).join(', ')})`);
  }

  async days(regionCode: string, year: number): Promise<Calendar> {
    const rows = await this.dataSource
      .getRepository(Holiday)
      .createQueryBuilder('h')
      .where('(h.region_code IS NULL OR h.region_code = :region)', { region: regionCode })
      .andWhere('h.date BETWEEN :from AND :to', { from: `${year}-01-01`, to: `${year}-12-31` })
      .orderBy('h.date')
      .getMany();
    return {
      regionCode,
      year,
      days: rows.map((h) => ({
        date: h.date,
        nameId: h.nameId,
        nameEn: h.nameEn,
        kind: h.kind,
        regional: h.regionCode !== null,
      })),
    };
  }

  /** A region's own day off; national days come from the decree and are not edited per region. */
  async setDay(p: Principal | undefined, req: SetCalendarDayRequest): Promise<Calendar> {
    requireRegionAdmin(p);
    const national = await this.dataSource
      .getRepository(Holiday)
      .findOneBy({ regionCode: IsNull(), date: req.date });
    if (national) throw AppError.invalid('/date', `is already a national day off (${national.nameId})`);
    await this.dataSource.query(
      `INSERT INTO holidays (region_code, date, name_id, name_en, kind, source) VALUES ($1, $2, $3, $4, 'regional', $5)
       ON CONFLICT (coalesce(region_code, ''), date) DO UPDATE SET name_id = EXCLUDED.name_id, name_en = EXCLUDED.name_en, source = EXCLUDED.source`,
      [req.regionCode, req.date, req.nameId.trim(), req.nameEn.trim(), `set by ${p?.id ?? 'system'}`],
    );
    this.cache.delete(req.regionCode);
    return this.days(req.regionCode, Number(req.date.slice(0, 4)));
  }

  async removeDay(p: Principal | undefined, req: RemoveCalendarDayRequest): Promise<Calendar> {
    requireRegionAdmin(p);
    const result = await this.dataSource
      .getRepository(Holiday)
      .delete({ regionCode: req.regionCode, date: req.date });
    if (!result.affected) throw new AppError('NOT_FOUND', 404, 'The region has no own day off on that date');
    this.cache.delete(req.regionCode);
    return this.days(req.regionCode, Number(req.date.slice(0, 4)));
  }

  /**
   * The region's working calendar. Inside a transaction pass its manager: a second pool connection
   * taken while the transaction holds one can deadlock a busy replica (every connection held by a
   * transaction waiting for another).
   */
  async forRegion(regionCode: string, m: EntityManager = this.dataSource.manager): Promise<WorkingCalendar> {
    const hit = this.cache.get(regionCode);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar;
    const days = await m
      .getRepository(Holiday)
      .find({ where: [{ regionCode: IsNull() }, { regionCode }], select: { date: true } });
    const calendar = new WorkingCalendar(
      days.map((d) => d.date),
      utcOffsetHours(regionCode),
    );
    this.cache.set(regionCode, { calendar, at: Date.now() });
    return calendar;
  }
}
