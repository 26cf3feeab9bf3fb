import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotificationsEnv } from '@berkas/config';
import { DrainLoop } from '@berkas/messaging';
import {
  LANGUAGES,
  NoticeTemplates,
  readShipped,
  type Language,
  type NoticeTemplate,
  type Wording,
} from './templates';
import { WithdrawLinks } from '../preferences/withdraw-links';
import { problemsOf } from './wording-rules';

/** How often each replica looks for a newer publication: a publish is in use everywhere within this. */
const CHECK_EVERY_MS = 2000;

/** The message an example link is made for: a link of the real length, to no message. */
const EXAMPLE_MESSAGE = '5b0e9c1a-3d2f-4c8e-9a7b-1f2e3d4c5b6a';

/** Who wrote the shipped wording, in the versions' history. */
export const SHIPPED_BY = { id: 'system', name: 'Berkas' };

/**
 * The notices' wording in use, for the composer and the ledger to render from without a round trip:
 * the latest published version of each notice and language, read at start and again whenever a
 * publication newer than the last one read appears (a cheap look every two seconds). The fixed parts
 * (whom it is for, whether the law requires it, the registered WhatsApp template) are always the
 * shipped file's; a stored wording that no longer fits them (a release registered other parameters)
 * is set aside for the shipped one, with a warning. At start, the shipped wording of a notice and
 * language with no version yet becomes its version 1, published.
 */
@Injectable()
export class TemplateBook implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TemplateBook');
  /** templates.json, read once: the fixed parts, the first wording and the previews' examples. */
  readonly shipped = readShipped();
  /** What previews fill each variable with, the links made as a message's are (their length counts). */
  readonly examples: Record<string, string>;
  private current = NoticeTemplates.of(this.shipped.notices);
  private loaded = -1;
  private reading: Promise<void> = Promise.resolve();
  private readonly loop = new DrainLoop('TemplateBook', () => this.refresh(), CHECK_EVERY_MS);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    links: WithdrawLinks,
    env: NotificationsEnv,
  ) {
    this.examples = {
      ...this.shipped.examples,
      link: `${env.publicUrl}/permohonan/${EXAMPLE_MESSAGE}`,
      stopLink: links.linkFor(EXAMPLE_MESSAGE),
      preferencesLink: `${env.publicUrl}/akun/pemberitahuan`,
    };
  }

  async onModuleInit(): Promise<void> {
    await this.seed();
    await this.refresh();
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  // What the composer and the ledger use, answered from the wording last read (no round trip).
  readonly kinds: NoticeTemplates['kinds'] = () => this.current.kinds();
  readonly get: NoticeTemplates['get'] = (kind) => this.current.get(kind);
  readonly registered: NoticeTemplates['registered'] = () => this.current.registered();
  readonly render: NoticeTemplates['render'] = (...args) => this.current.render(...args);

  /**
   * Reads the wording in use again if anything was published since it was last read; one read at a
   * time (the timer's and a publisher's), so an older read never lands after a newer one.
   */
  refresh(): Promise<void> {
    const read = this.reading.then(() => this.readIfNewer());
    this.reading = read.catch(() => undefined);
    return read;
  }

  private async readIfNewer(): Promise<void> {
    const [{ latest }] = (await this.db.query(
      `SELECT coalesce(max(id), 0)::int AS latest FROM template_publications`,
    )) as Array<{ latest: number }>;
    if (latest === this.loaded) return;
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (p.kind, p.language) p.kind, p.language, p.version,
         v.subject, v.email, v.sms, v.whatsapp
       FROM template_publications p
       JOIN template_versions v USING (kind, language, version)
       ORDER BY p.kind, p.language, p.id DESC`,
    )) as Array<Wording & { kind: string; language: Language; version: number }>;
    const notices: Record<string, NoticeTemplate> = structuredClone(this.shipped.notices);
    const versions = new Map<string, number>();
    for (const row of rows) {
      const template = notices[row.kind];
      if (!template) continue; // a notice this release no longer sends
      const wording = { subject: row.subject, email: row.email, sms: row.sms, whatsapp: row.whatsapp };
      const problems = problemsOf(template, wording, this.examples);
      if (problems.length) {
        this.logger.warn(
          { kind: row.kind, language: row.language, version: row.version, problems },
          'the published wording no longer fits its notice: the shipped wording stands in',
        );
        continue;
      }
      template[row.language] = wording;
      versions.set(`${row.kind}/${row.language}`, row.version);
    }
    this.current = NoticeTemplates.of(notices, versions);
    this.loaded = latest;
  }

  /** The shipped wording as version 1 (published) of each notice and language that has no version yet. */
  private async seed(): Promise<void> {
    for (const [kind, template] of Object.entries(this.shipped.notices))
      for (const language of LANGUAGES) {
        const w = template[language];
        // One statement: of replicas starting together, only the one whose insert lands publishes it.
        await this.db.query(
          `WITH added AS (
             INSERT INTO template_versions (kind, language, version, subject, email, sms, whatsapp, saved_by_id, saved_by_name)
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8)
             ON CONFLICT DO NOTHING RETURNING kind, language, version)
           INSERT INTO template_publications (kind, language, version, published_by_id, published_by_name)
           SELECT kind, language, version, $7, $8 FROM added`,
          [kind, language, w.subject, w.email, w.sms, w.whatsapp, SHIPPED_BY.id, SHIPPED_BY.name],
        );
      }
  }
}
