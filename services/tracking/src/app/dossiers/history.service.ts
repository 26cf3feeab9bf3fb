import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, Bilingual } from '@berkas/contracts';
import { entryHash } from '@berkas/persistence';
import { DossierRecord, HistoryRecord } from './dossier.entity';

export interface Milestone {
  label: Bilingual;
  agency?: { code: string; name: string };
}

/**
 * Appends to a dossier's hash-chained history. Callers hold the dossier row locked (FOR UPDATE), so
 * the sequence has no gaps and two writers never fork the chain.
 */
@Injectable()
export class HistoryService {
  async append(
    m: EntityManager,
    dossier: DossierRecord,
    type: string,
    actor: Actor,
    data: Record<string, unknown>,
    milestone?: Milestone,
  ): Promise<HistoryRecord> {
    const occurredAt = new Date();
    const fields = {
      dossierId: dossier.id,
      seq: dossier.historySeq + 1,
      type,
      occurredAt: occurredAt.toISOString(),
      actor,
      data,
      prevHash: dossier.historyHead,
    };
    const record = m.create(HistoryRecord, {
      ...fields,
      occurredAt,
      hash: entryHash(fields),
      publicLabel: milestone?.label ?? null,
      publicAgency: milestone?.agency ?? null,
    });
    // insert, never save: save would look the row up first and could turn into an UPDATE.
    await m.insert(HistoryRecord, record as never);
    dossier.historySeq = record.seq;
    dossier.historyHead = record.hash;
    await m.update(DossierRecord, { id: dossier.id }, { historySeq: record.seq, historyHead: record.hash });
    return record;
  }
}
