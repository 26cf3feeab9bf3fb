import type { QueryRunner } from 'typeorm';
import { withDammCheck } from '@berkas/contracts';

/**
 * Tracking numbers end in a Damm check symbol in their own alphabet (issue 14) instead of one of 37
 * symbols (`*~$=U` among them). No number was in production; a development database's numbers keep
 * their body and get the new symbol, the same in every service that keeps a copy (tracking's
 * dossiers, permits' applications). Histories keep the number as it was written: their hashes
 * cover it. There is no way back: the old symbols cannot be told from the new ones.
 */
export async function reissueTrackingNumbers(
  q: QueryRunner,
  table: 'dossiers' | 'applications',
): Promise<void> {
  const rows: Array<{ id: string; tracking_number: string }> = await q.query(
    `SELECT id, tracking_number FROM ${table} WHERE tracking_number IS NOT NULL`,
  );
  for (const row of rows) {
    const number = withDammCheck(row.tracking_number);
    if (number !== row.tracking_number)
      await q.query(`UPDATE ${table} SET tracking_number = $2 WHERE id = $1`, [row.id, number]);
  }
}
