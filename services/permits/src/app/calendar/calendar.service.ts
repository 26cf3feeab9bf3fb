import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
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

  async forRegion(regionCode: string): Promise<WorkingCalendar> {
    const hit = this.cache.get(regionCode);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar;
    const days = await this.dataSource
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
