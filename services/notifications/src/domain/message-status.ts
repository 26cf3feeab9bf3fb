/** Where a message stands; see proto/notifications.yaml MessageStatus. */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'dead' | 'skipped';

/** Statuses nothing moves a message out of. */
const FINAL = new Set<MessageStatus>(['read', 'failed', 'dead', 'skipped']);
const RANK: Record<MessageStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  failed: 2,
  read: 3,
  dead: 9,
  skipped: 9,
};

/**
 * Whether a report moves a message from `from` to `to`. Providers' webhooks arrive late and out of
 * order ("delivered" before "sent", "sent" again after "read"): a status only ever moves forward, and a
 * failure after delivery is not believed.
 */
export function movesForward(from: MessageStatus, to: MessageStatus): boolean {
  return !FINAL.has(from) && RANK[to] > RANK[from];
}
