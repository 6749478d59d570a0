import type { Reason } from '../bounces/reasons.js';

export type MessageKind = 'bounce' | 'feedback' | 'autoreply' | 'delivered' | 'not-bounce';

/** RFC 3464 `Action` values; a text bounce without a report is `failed` unless it says it will retry. */
export type RecipientAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface ParsedRecipient {
  email: string;
  /** Enhanced status (`5.1.1`) as the message states it, else null. */
  status: string | null;
  /** Whether the address is dead (DESIGN §3); null where that does not apply (delivered, complaint). */
  hard: boolean | null;
  action: RecipientAction;
  reason: Reason;
  diagnostic?: string;
}

export interface ParsedMessage {
  kind: MessageKind;
  /** True for failures and delays alike; complaints, auto-replies and delivery reports are not bounces. */
  is_bounce: boolean;
  recipients: ParsedRecipient[];
  /** From `X-Stmails-Campaign` of the returned original. */
  campaign?: string;
  /** From `X-Stmails-Subscriber` of the returned original. */
  subscriber?: string;
  /** The report's own Message-ID. */
  message_id?: string;
  /** Message-ID of the returned original, a dedup key next to the recipient. */
  original_message_id?: string;
  /** ARF `Feedback-Type` (abuse, fraud, opt-out, ...). */
  feedback_type?: string;
  /** Set when a limit cut the message short, so a caller can tell a partial answer from a whole one. */
  truncated?: boolean;
}
