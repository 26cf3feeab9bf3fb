import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ConsentState } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import type { Language } from '../templates/templates';

export type ConsentChannel = 'whatsapp' | 'sms';
export type ConsentHow = 'account' | 'message-link';

/** What a person chose: the language of their messages, their consents, and (officers) the digest. */
export interface Choices {
  language: Language;
  digest: boolean;
  consents: Record<ConsentChannel, ConsentState>;
}

const NONE: ConsentState = { given: false, at: null, how: null };
export const DEFAULT_CHOICES: Choices = {
  language: 'id',
  digest: false,
  consents: { whatsapp: NONE, sms: NONE },
};

/**
 * People's consent to WhatsApp and SMS, kept as UU PDP asks: each grant and withdrawal appended with
 * when and how (and the request that made it), never changed; what holds is the latest per channel.
 */
@Injectable()
export class ConsentBook {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Each person's choices (the defaults for one who never chose), read in two queries for any number. */
  async choicesOf(
    personIds: string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<(personId: string) => Choices> {
    const found = new Map<string, Choices>();
    const of = (id: string): Choices => {
      let choices = found.get(id);
      if (!choices)
        found.set(id, (choices = { ...DEFAULT_CHOICES, consents: { ...DEFAULT_CHOICES.consents } }));
      return choices;
    };
    if (!personIds.length) return of;
    const [consents, preferences] = await Promise.all([
      m.query(
        `SELECT DISTINCT ON (person_id, channel) person_id, channel, given, how, at FROM consents
         WHERE person_id = ANY($1) ORDER BY person_id, channel, id DESC`,
        [personIds],
      ) as Promise<
        Array<{ person_id: string; channel: ConsentChannel; given: boolean; how: ConsentHow; at: Date }>
      >,
      m.query(`SELECT person_id, language, digest FROM preferences WHERE person_id = ANY($1)`, [
        personIds,
      ]) as Promise<Array<{ person_id: string; language: Language; digest: boolean }>>,
    ]);
    for (const c of consents)
      of(c.person_id).consents[c.channel] = { given: c.given, at: c.at.toISOString(), how: c.how };
    for (const p of preferences) Object.assign(of(p.person_id), { language: p.language, digest: p.digest });
    return of;
  }

  /** Records a grant or a withdrawal, unless it is what already holds (a second click changes nothing). */
  async record(
    m: EntityManager,
    personId: string,
    channel: ConsentChannel,
    given: boolean,
    how: ConsentHow,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO consents (person_id, channel, given, how, request_id)
       SELECT $1::uuid, $2::varchar, $3::boolean, $4::varchar, $5::text
       WHERE (SELECT given FROM consents WHERE person_id = $1 AND channel = $2 ORDER BY id DESC LIMIT 1)
             IS DISTINCT FROM $3
       RETURNING id`,
      [personId, channel, given, how, RequestContext.current()?.requestId ?? null],
    );
    return rows.length > 0;
  }

  async setPreferences(
    m: EntityManager,
    personId: string,
    change: { language?: Language; digest?: boolean },
  ) {
    await m.query(
      `INSERT INTO preferences (person_id, language, digest) VALUES ($1, COALESCE($2::varchar, 'id'), COALESCE($3::boolean, false))
       ON CONFLICT (person_id) DO UPDATE SET language = COALESCE($2, preferences.language),
         digest = COALESCE($3, preferences.digest), updated_at = now()`,
      [personId, change.language ?? null, change.digest ?? null],
    );
  }
}
