/** The closed list of bounce reasons (DESIGN §3). */
export const REASONS = [
  'user_unknown',
  'host_unknown',
  'mailbox_inactive',
  'on_suppression_list',
  'mailbox_full',
  'message_too_large',
  'content_rejected',
  'spam_detected',
  'virus',
  'blocked',
  'policy',
  'rate_limited',
  'network',
  'expired',
  'complaint',
  'unknown',
] as const;
export type Reason = (typeof REASONS)[number];

/** Reasons that mark the address itself as dead: the rest are about the message, the sender or time. */
const HARD_REASONS: ReadonlySet<Reason> = new Set([
  'user_unknown',
  'host_unknown',
  'mailbox_inactive',
  'on_suppression_list',
]);

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && (REASONS as readonly string[]).includes(value);
}

export function isHardReason(reason: Reason): boolean {
  return HARD_REASONS.has(reason);
}
