import type { PublicView } from '@berkas/contracts';
import type { DossierRecord } from './dossier.entity';

// The statement behind every public lookup, on its own so that the lookup benchmark's bare-pg
// baseline sends exactly this (bench/tracking-lookup.mjs loads the compiled file).

/** Timestamps as JavaScript's toISOString writes them, so every reply spells time one way. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The public view of one dossier with its public milestones, oldest first. A confidential dossier
 * has none: to the public it does not exist (the same 404 as an unknown number); only the people
 * in its custody chain see it.
 */
export const PUBLIC_VIEW_SQL = `
  SELECT d.tracking_number, d.status, d.permit_type, d.holder, ${iso('d.held_since')} AS held_since,
         d.due_at::text AS due_at, d.progress,
         COALESCE((SELECT json_agg(json_build_object('at', ${iso('h.occurred_at')}, 'event', h.type,
                                   'label', h.public_label, 'agency', h.public_agency) ORDER BY h.seq)
                   FROM history h WHERE h.dossier_id = d.id AND h.public_label IS NOT NULL), '[]') AS timeline
  FROM dossiers d WHERE d.tracking_number = $1 AND d.confidentiality <> 'confidential'`;

export interface PublicViewRow {
  tracking_number: string;
  status: DossierRecord['status'];
  permit_type: DossierRecord['permitType'];
  holder: DossierRecord['holder'];
  held_since: string;
  due_at: string | null;
  progress: DossierRecord['progress'];
  timeline: PublicView['timeline'];
}
