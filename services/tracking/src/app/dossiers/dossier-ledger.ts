import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, Bilingual, EventMap, EventSubject } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import {
  chainEntries,
  checkChain,
  columnsOf,
  fromJsonRow,
  GENESIS_HASH,
  toJsonRow,
  type ChainCheck,
} from '@berkas/persistence';
import { canonicalTrackingNumber, dossierNotFound } from './dossier-lookup';
import { DossierRecord, HistoryRecord } from './dossier.entity';

/** A history entry that also shows on the public tracking page. */
export interface Milestone {
  label: Bilingual;
  agency?: { code: string; name: string };
}

/** One entry of the dossier's hash-chained history; a milestone is shown to the public too. */
export interface DossierEntry {
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
  milestone?: Milestone;
}

/** An event about the dossier, published once the change commits. */
export interface DossierEvent<S extends EventSubject = EventSubject> {
  type: S;
  data: EventMap[S];
}

/** Columns of a dossier a change may set (its identity, origin and chain are the ledger's). */
const CHANGE_FIELDS = [
  'status',
  'outcome',
  'holder',
  'holderAgencyId',
  'holderUnitId',
  'heldSince',
  'inTransit',
  'inTransitToAgencyId',
  'dueAt',
  'progress',
  'progressAt',
  'closedAt',
] as const satisfies readonly (keyof DossierRecord)[];
export type DossierChanges = Partial<Pick<DossierRecord, (typeof CHANGE_FIELDS)[number]>>;

/** Everything one change to a dossier writes, applied by `commit` as one statement. */
export interface DossierChange {
  dossier?: DossierChanges;
  history: DossierEntry[];
  events?: DossierEvent[];
}

const HISTORY_COLUMNS = [
  'dossier_id',
  'seq',
  'type',
  'occurred_at',
  'actor',
  'data',
  'public_label',
  'public_agency',
  'prev_hash',
  'hash',
];
const list = (columns: string[], alias?: string) =>
  columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');

/**
 * The dossier aggregate's persistence: locking, typed changes, history appends (public milestones
 * included) with the events they cause, and the chain's reader and verifier. Services decide; the
 * ledger writes a change (row, history, outbox) in one statement, chained from the head read under
 * the lock.
 */
@Injectable()
export class DossierLedger {
  constructor(private readonly outbox: Outbox) {}

  /** The dossier with this number, locked for the rest of the transaction; 404 (or 400 if mistyped). */
  async lock(m: EntityManager, trackingNumber: string): Promise<DossierRecord> {
    const [row] = await m.query(
      'SELECT to_jsonb(d) AS d FROM dossiers d WHERE d.tracking_number = $1 FOR UPDATE',
      [canonicalTrackingNumber(trackingNumber)],
    );
    if (!row) throw dossierNotFound();
    return fromJsonRow(m, DossierRecord, row.d);
  }

  /** The dossier with this id, locked; null if there is none. */
  async lockById(m: EntityManager, id: string): Promise<DossierRecord | null> {
    const [row] = await m.query('SELECT to_jsonb(d) AS d FROM dossiers d WHERE d.id = $1 FOR UPDATE', [id]);
    return row ? fromJsonRow(m, DossierRecord, row.d) : null;
  }

  /** A new dossier with its first history entry and events, in one statement. */
  async insert(m: EntityManager, d: DossierRecord, change: Omit<DossierChange, 'dossier'>): Promise<void> {
    d.historySeq = 0;
    d.historyHead = GENESIS_HASH;
    const { history, head } = this.chain(d, change.history);
    await m.query(
      `WITH dossier AS (
         INSERT INTO dossiers SELECT * FROM jsonb_populate_record(null::dossiers, $1) RETURNING id AS dossier_id
       ), history AS (
         INSERT INTO history (${list(HISTORY_COLUMNS)})
         SELECT ${list(HISTORY_COLUMNS, 'h')} FROM jsonb_populate_recordset(null::history, $2) h, dossier RETURNING seq
       )
       INSERT INTO outbox (id, subject, payload, headers)
       SELECT e.id, e.subject, e.payload, e.headers FROM jsonb_populate_recordset(null::outbox, $3) e, dossier`,
      [
        JSON.stringify(toJsonRow(m, DossierRecord, { ...d, historySeq: head.seq, historyHead: head.hash })),
        JSON.stringify(history),
        JSON.stringify(this.events(d, change.events)),
      ],
    );
    Object.assign(d, { historySeq: head.seq, historyHead: head.hash });
  }

  /**
   * Writes a change to a locked dossier: its columns, its history entries and its events, in one
   * statement. The row only changes if the head read under the lock is still its head, so a caller
   * that forgot to lock fails instead of forking the chain.
   */
  async commit(m: EntityManager, d: DossierRecord, change: DossierChange): Promise<void> {
    const { history, head } = this.chain(d, change.history);
    const row = toJsonRow(m, DossierRecord, {
      ...change.dossier,
      historySeq: head.seq,
      historyHead: head.hash,
    });
    const columns = columnsOf(m, DossierRecord, [...CHANGE_FIELDS, 'historySeq', 'historyHead']);
    const [result] = await m.query(
      `WITH dossier AS (
         UPDATE dossiers d SET (${list(columns)}) =
           (SELECT ${list(columns, 'r')} FROM jsonb_populate_record(d, $2) r)
         WHERE d.id = $1 AND d.history_seq = $3 RETURNING d.id
       ), history AS (
         INSERT INTO history (${list(HISTORY_COLUMNS)})
         SELECT ${list(HISTORY_COLUMNS)} FROM jsonb_populate_recordset(null::history, $4) RETURNING seq
       ), events AS (
         INSERT INTO outbox (id, subject, payload, headers)
         SELECT id, subject, payload, headers FROM jsonb_populate_recordset(null::outbox, $5) RETURNING id
       )
       SELECT (SELECT count(*) FROM dossier)::int AS dossier`,
      [
        d.id,
        JSON.stringify(row),
        d.historySeq,
        JSON.stringify(history),
        JSON.stringify(this.events(d, change.events)),
      ],
    );
    if (result.dossier !== 1) throw new Error(`dossier ${d.id} changed under a writer that did not lock it`);
    Object.assign(d, change.dossier, { historySeq: head.seq, historyHead: head.hash });
  }

  /**
   * An agency's desk after a keyset cursor (held_since, id), oldest held first: what it holds,
   * what is on its way to it, what it sent that is not received yet, or what it holds and awaits.
   */
  inbox(
    m: EntityManager,
    agencyId: string,
    page: {
      scope: 'held' | 'incoming' | 'outgoing' | 'all';
      kind?: string;
      after: readonly [string, string] | null;
      take: number;
    },
  ): Promise<DossierRecord[]> {
    const held = `(d.holder_agency_id = :a AND d.status IN ('open', 'in-transit'))`;
    const incoming = `(d.in_transit_to_agency_id = :a AND d.status = 'in-transit')`;
    // The sender stays the holder until the addressee receives it.
    const outgoing = `(d.holder_agency_id = :a AND d.status = 'in-transit')`;
    const where = { held, incoming, outgoing, all: `(${held} OR ${incoming})` }[page.scope];
    const qb = m
      .getRepository(DossierRecord)
      .createQueryBuilder('d')
      .where(where, { a: agencyId })
      .orderBy('d.held_since')
      .addOrderBy('d.id')
      .take(page.take);
    if (page.kind) qb.andWhere('d.kind = :kind', { kind: page.kind });
    if (page.after)
      qb.andWhere('(d.held_since, d.id) > (:since, :id)', { since: page.after[0], id: page.after[1] });
    return qb.getMany();
  }

  /** The dossier's history, oldest first. */
  history(m: EntityManager, d: DossierRecord): Promise<HistoryRecord[]> {
    return m.find(HistoryRecord, { where: { dossierId: d.id }, order: { seq: 'ASC' } });
  }

  /** Recomputes the chain from the stored entries; the head must also be the dossier's. */
  async verify(m: EntityManager, d: DossierRecord): Promise<ChainCheck> {
    const rows = await this.history(m, d);
    return checkChain(
      rows.map((h) => ({ ...h, occurredAt: h.occurredAt.toISOString() })),
      { seq: d.historySeq, hash: d.historyHead },
    );
  }

  private chain(d: DossierRecord, entries: DossierEntry[]) {
    const chained = chainEntries(d.id, { seq: d.historySeq, hash: d.historyHead }, entries);
    const history = chained.entries.map((e) => ({
      dossier_id: d.id,
      seq: e.seq,
      type: e.type,
      occurred_at: e.occurredAt,
      actor: e.actor,
      data: e.data,
      public_label: e.milestone?.label ?? null,
      public_agency: e.milestone?.agency ?? null,
      prev_hash: e.prevHash,
      hash: e.hash,
    }));
    return { history, head: chained.head };
  }

  private events(d: DossierRecord, events: DossierEvent[] = []) {
    return events.map((e) =>
      this.outbox.row(e.type, e.data, { source: '/berkas/tracking', subject: d.trackingNumber }),
    );
  }
}
