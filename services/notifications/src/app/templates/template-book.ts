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
 * is set aside for the shipped one, with a warning. At start, the shipped wording becomes a version
 * of its own wherever it is new (`takeShipped`).
 */
@Injectable()
export class TemplateBook implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TemplateBook');
  /** templates.json, read once: the fixed parts, the first wording and the previews' examples. */
  readonly shipped = readShipped();
  /**
   * What previews fill each variable with, per language as a message in it has them; the links made
   * as a message's are (their length counts).
   */
  readonly examples: Record<Language, Record<string, string>>;
  private current = NoticeTemplates.of(this.shipped.notices);
  private loaded = -1;
  private reading: Promise<void> = Promise.resolve();
  private readonly loop = new DrainLoop('TemplateBook', () => this.refresh(), CHECK_EVERY_MS);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    links: WithdrawLinks,
    env: NotificationsEnv,
  ) {
    const indonesian = {
      ...this.shipped.examples,
      link: `${env.publicUrl}/permohonan/${EXAMPLE_MESSAGE}`,
      stopLink: links.linkFor(EXAMPLE_MESSAGE),
      preferencesLink: `${env.publicUrl}/akun/pemberitahuan`,
    };
    this.examples = { id: indonesian, en: { ...indonesian, ...this.shipped.examplesInEnglish } };
  }

  async onModuleInit(): Promise<void> {
    await this.takeShipped();
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
      const problems = problemsOf(template, wording, this.examples[row.language]);
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

  /**
   * The shipped wording of each notice and language, as a version saved by Berkas wherever it differs
   * from the last one Berkas saved: version 1 on a first start, the next version when a release words
   * a notice anew. It goes into use at once where the wording in use is Berkas' own (or there is
   * none); where an operator published their own, it waits beside it as a draft for them to read,
   * take or leave. One statement each: of replicas starting together, only one adds it.
   */
  async takeShipped(): Promise<void> {
    for (const [kind, template] of Object.entries(this.shipped.notices))
      for (const language of LANGUAGES) {
        const w = template[language];
        const [added] = (await this.db.query(
          `WITH last_shipped AS (
             SELECT subject, email, sms, whatsapp FROM template_versions
             WHERE kind = $1 AND language = $2 AND saved_by_id = $7 ORDER BY version DESC LIMIT 1
           ), in_use AS (
             SELECT v.saved_by_id FROM template_publications p JOIN template_versions v USING (kind, language, version)
             WHERE p.kind = $1 AND p.language = $2 ORDER BY p.id DESC LIMIT 1
           ), added AS (
             INSERT INTO template_versions (kind, language, version, subject, email, sms, whatsapp, saved_by_id, saved_by_name)
             SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8
             FROM template_versions WHERE kind = $1 AND language = $2
             HAVING NOT EXISTS (SELECT 1 FROM last_shipped s
                                WHERE (s.subject, s.email, s.sms, s.whatsapp) = ($3, $4, $5, $6))
             ON CONFLICT DO NOTHING RETURNING kind, language, version
           ), published AS (
             INSERT INTO template_publications (kind, language, version, published_by_id, published_by_name)
             SELECT kind, language, version, $7, $8 FROM added
             WHERE coalesce((SELECT saved_by_id FROM in_use), $7) = $7 RETURNING version
           )
           SELECT a.version, EXISTS (SELECT 1 FROM published) AS in_use FROM added a`,
          [kind, language, w.subject, w.email, w.sms, w.whatsapp, SHIPPED_BY.id, SHIPPED_BY.name],
        )) as Array<{ version: number; in_use: boolean }>;
        if (added && added.version > 1)
          this.logger.log(
            { kind, language, version: added.version, inUse: added.in_use },
            added.in_use
              ? "this release's wording of the notice is in use"
              : "this release's wording of the notice waits as a draft beside the operator's own",
          );
      }
  }
}
