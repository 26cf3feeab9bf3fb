import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError,
  type NoticeTemplateDetail,
  type NoticeTemplateList,
  type NoticeTemplatePreview,
  type NoticeTemplateVersion,
  type StaffStamp,
} from '@berkas/contracts';
import { TemplateBook } from './template-book';
import { LANGUAGES, type Language, type NoticeTemplate, type Wording } from './templates';
import { fill, knownVariables, LIMITS, problemsOf } from './wording-rules';

/** Who acts: a staff id and name. */
export type Editor = Pick<StaffStamp, 'id' | 'name'>;

interface VersionRow extends Wording {
  version: number;
  saved_by_id: string;
  saved_by_name: string;
  saved_at: Date;
  published_by_id: string | null;
  published_by_name: string | null;
  published_at: Date | null;
}

/** Every version of a notice's wording in one language, newest first, each with its latest publication. */
const VERSIONS = `
  SELECT v.version, v.subject, v.email, v.sms, v.whatsapp, v.saved_by_id, v.saved_by_name, v.saved_at,
    p.published_by_id, p.published_by_name, p.published_at
  FROM template_versions v
  LEFT JOIN LATERAL (
    SELECT * FROM template_publications p
    WHERE p.kind = v.kind AND p.language = v.language AND p.version = v.version
    ORDER BY p.id DESC LIMIT 1
  ) p ON true
  WHERE v.kind = $1 AND v.language = $2`;

const stamp = (id: string, name: string, at: Date): StaffStamp => ({ id, name, at: at.toISOString() });

/**
 * An operator's editing of the notices' wording, as GOV.UK Notify's: every save is a new version (a
 * draft until published, checked against the notice's rules first so a refused one writes nothing), a
 * preview fills a version in with example values, and publishing puts a saved version in use (a draft,
 * or an older one to go back to). Versions and publications are only ever added.
 */
@Injectable()
export class TemplateEditor {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly book: TemplateBook,
  ) {}

  async list(): Promise<NoticeTemplateList> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (v.kind, v.language) v.kind, v.language, v.version, v.saved_by_id, v.saved_by_name,
         v.saved_at, cur.version AS in_use, cur.published_by_id, cur.published_by_name, cur.published_at,
         EXISTS (SELECT 1 FROM template_publications e
                 WHERE e.kind = v.kind AND e.language = v.language AND e.version = v.version) AS was_published
       FROM template_versions v
       JOIN LATERAL (
         SELECT * FROM template_publications p WHERE p.kind = v.kind AND p.language = v.language
         ORDER BY p.id DESC LIMIT 1
       ) cur ON true
       ORDER BY v.kind, v.language, v.version DESC`,
    )) as Array<{
      kind: string;
      language: Language;
      version: number;
      saved_by_id: string;
      saved_by_name: string;
      saved_at: Date;
      in_use: number;
      published_by_id: string;
      published_by_name: string;
      published_at: Date;
      was_published: boolean;
    }>;
    const byPair = new Map(rows.map((r) => [`${r.kind}/${r.language}`, r]));
    return {
      items: Object.entries(this.book.shipped.notices).map(([kind, t]) => ({
        kind,
        audience: t.audience,
        legallyRequired: t.legallyRequired,
        languages: LANGUAGES.flatMap((language) => {
          const r = byPair.get(`${kind}/${language}`);
          if (!r) return [];
          const draft = r.version > r.in_use && !r.was_published;
          return [
            {
              language,
              published: {
                version: r.in_use,
                by: stamp(r.published_by_id, r.published_by_name, r.published_at),
              },
              draft: draft
                ? { version: r.version, by: stamp(r.saved_by_id, r.saved_by_name, r.saved_at) }
                : null,
            },
          ];
        }),
      })),
    };
  }

  async detail(kind: string, language: Language): Promise<NoticeTemplateDetail> {
    const template = this.templateOf(kind);
    const versions = await this.versionsOf(this.db.manager, kind, language);
    return {
      kind,
      language,
      audience: template.audience,
      legallyRequired: template.legallyRequired,
      whatsappTemplate: { name: template.whatsapp.name, parameters: template.whatsapp.parameters },
      variables: knownVariables(template).map((name) => ({
        name,
        example: this.book.examples[language][name] ?? '',
      })),
      limits: { ...LIMITS },
      versions,
    };
  }

  /** A version filled in with the examples: the one named, else the draft, else the one in use. */
  async preview(kind: string, language: Language, version?: number): Promise<NoticeTemplatePreview> {
    const template = this.templateOf(kind);
    const versions = await this.versionsOf(this.db.manager, kind, language);
    const chosen =
      version !== undefined
        ? versions.find((v) => v.version === version)
        : (versions.find((v) => !v.published && v.version > this.inUseOf(versions)) ??
          versions.find((v) => v.inUse));
    if (!chosen) throw this.noVersion(kind, language, version);
    const examples = this.book.examples[language];
    const whatsapp = fill(chosen.whatsapp, examples);
    const sms = fill(chosen.sms, examples);
    return {
      kind,
      language,
      version: chosen.version,
      inUse: chosen.inUse,
      email: { subject: fill(chosen.subject, examples), body: fill(chosen.email, examples) },
      sms: { body: sms, length: sms.length },
      whatsapp: {
        body: whatsapp,
        length: whatsapp.length,
        template: template.whatsapp.name,
        parameters: template.whatsapp.parameters.map((p) => examples[p] ?? ''),
      },
    };
  }

  /** Saves `wording` as the next version, a draft; refused (nothing written) when it breaks a rule. */
  async saveDraft(
    kind: string,
    language: Language,
    wording: Wording,
    by: Editor,
  ): Promise<NoticeTemplateVersion> {
    this.check(this.templateOf(kind), wording, language);
    return this.db.transaction(async (m) => {
      await this.lock(m, kind, language);
      const [{ next }] = (await m.query(
        `SELECT coalesce(max(version), 0)::int + 1 AS next FROM template_versions WHERE kind = $1 AND language = $2`,
        [kind, language],
      )) as Array<{ next: number }>;
      await m.query(
        `INSERT INTO template_versions (kind, language, version, subject, email, sms, whatsapp, saved_by_id, saved_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [kind, language, next, wording.subject, wording.email, wording.sms, wording.whatsapp, by.id, by.name],
      );
      return this.versionIn(m, kind, language, next);
    });
  }

  /**
   * Puts a saved version in use (checked again against the rules, which a release may have changed);
   * publishing the version already in use changes nothing. This replica reads it at once, the others
   * within seconds.
   */
  async publish(
    kind: string,
    language: Language,
    version: number,
    by: Editor,
  ): Promise<NoticeTemplateVersion> {
    const template = this.templateOf(kind);
    const published = await this.db.transaction(async (m) => {
      await this.lock(m, kind, language);
      const chosen = (await this.versionsOf(m, kind, language, version))[0];
      if (!chosen) throw this.noVersion(kind, language, version);
      this.check(template, chosen, language);
      if (!chosen.inUse)
        await m.query(
          `INSERT INTO template_publications (kind, language, version, published_by_id, published_by_name)
           VALUES ($1, $2, $3, $4, $5)`,
          [kind, language, version, by.id, by.name],
        );
      return this.versionIn(m, kind, language, version);
    });
    // Read at once here; should that fail, the book's own look finds it within seconds.
    await this.book.refresh().catch(() => undefined);
    return published;
  }

  private check(template: NoticeTemplate, wording: Wording, language: Language): void {
    const problems = problemsOf(template, wording, this.book.examples[language]);
    if (problems.length)
      throw new AppError(
        'INVALID_TEMPLATE',
        400,
        problems.map((p) => `${p.field} ${p.message}`).join('; '),
        problems.map((p) => ({ path: `/${p.field}`, message: p.message })),
      );
  }

  private templateOf(kind: string): NoticeTemplate {
    const template = this.book.shipped.notices[kind];
    if (!template) throw new AppError('NOT_FOUND', 404, `Berkas sends no notice ${kind}`);
    return template;
  }

  private noVersion(kind: string, language: Language, version?: number): AppError {
    const which = version === undefined ? 'wording' : `version ${version}`;
    return new AppError('NOT_FOUND', 404, `The notice ${kind} has no ${which} in ${language}`);
  }

  /** Saves and publications of one notice and language one at a time, so versions number without gaps. */
  private async lock(m: EntityManager, kind: string, language: Language): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`notice-template:${kind}/${language}`]);
  }

  private inUseOf(versions: NoticeTemplateVersion[]): number {
    return versions.find((v) => v.inUse)?.version ?? 0;
  }

  private async versionIn(
    m: EntityManager,
    kind: string,
    language: Language,
    version: number,
  ): Promise<NoticeTemplateVersion> {
    return (await this.versionsOf(m, kind, language, version))[0] as NoticeTemplateVersion;
  }

  /** The versions (newest first, at most 100), or the one asked for. */
  private async versionsOf(
    m: EntityManager,
    kind: string,
    language: Language,
    version?: number,
  ): Promise<NoticeTemplateVersion[]> {
    const rows = (await m.query(
      `${VERSIONS} ${version !== undefined ? 'AND v.version = $3' : ''} ORDER BY v.version DESC LIMIT 100`,
      version !== undefined ? [kind, language, version] : [kind, language],
    )) as VersionRow[];
    const [inUse] = (await m.query(
      `SELECT version FROM template_publications WHERE kind = $1 AND language = $2 ORDER BY id DESC LIMIT 1`,
      [kind, language],
    )) as Array<{ version: number }>;
    return rows.map((r) => ({
      kind,
      language,
      version: r.version,
      subject: r.subject,
      email: r.email,
      sms: r.sms,
      whatsapp: r.whatsapp,
      saved: stamp(r.saved_by_id, r.saved_by_name, r.saved_at),
      published:
        r.published_at && r.published_by_id && r.published_by_name
          ? stamp(r.published_by_id, r.published_by_name, r.published_at)
          : null,
      inUse: r.version === inUse?.version,
    }));
  }
}
