import type { EntityManager } from 'typeorm';
import type { HandoffReceipt } from '@berkas/contracts';

/**
 * Keeps where a file's paper dossier is (paper_whereabouts) from tracking's handoff events, for the
 * desk's rows. Sent: still with the sender, on its way to the addressee; received: with the
 * addressee; refused: back with the sender. Events may come late or twice: a row only moves to a
 * later moment than the one it holds.
 */
export async function recordWhereabouts(m: EntityManager, receipt: HandoffReceipt): Promise<void> {
  const received = receipt.status === 'received';
  const at = receipt.status === 'in-transit' ? receipt.sentAt : (receipt.resolvedAt ?? receipt.sentAt);
  await m.query(
    `INSERT INTO paper_whereabouts (tracking_number, holder_code, in_transit_to, moved_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (tracking_number) DO UPDATE
       SET holder_code = EXCLUDED.holder_code, in_transit_to = EXCLUDED.in_transit_to, moved_at = EXCLUDED.moved_at
       WHERE paper_whereabouts.moved_at < EXCLUDED.moved_at`,
    [
      receipt.trackingNumber,
      received ? receipt.to.code : receipt.from.code,
      receipt.status === 'in-transit' ? receipt.to.code : null,
      at,
    ],
  );
}
