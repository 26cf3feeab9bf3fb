import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, Bilingual } from '@berkas/contracts';
import { appendToChain } from '@berkas/persistence';
import type { DossierRecord } from './dossier.entity';

export interface Milestone {
  label: Bilingual;
  agency?: { code: string; name: string };
}

const TABLES = { history: 'history', key: 'dossier_id', owner: 'dossiers' };

/** Appends to a dossier's hash-chained history; milestones also show on the public tracking page. */
@Injectable()
export class HistoryService {
  async append(
    m: EntityManager,
    dossier: DossierRecord,
    type: string,
    actor: Actor,
    data: Record<string, unknown>,
    milestone?: Milestone,
  ): Promise<void> {
    const entry = await appendToChain(
      m,
      TABLES,
      dossier.id,
      { type, actor, data },
      {
        public_label: milestone?.label ?? null,
        public_agency: milestone?.agency ?? null,
      },
    );
    dossier.historySeq = entry.seq;
    dossier.historyHead = entry.hash;
  }
}
