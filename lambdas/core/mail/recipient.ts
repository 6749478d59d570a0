import { typeForReason } from '../classify.js';
import type { Reason } from '../reasons.js';
import { mailReason, smtpStage } from './reason.js';
import { bestStatus, enhancedIn, replyCodeIn } from './status-codes.js';
import type { ParsedRecipient, RecipientAction } from './types.js';

export interface RecipientEvidence {
  email: string;
  action: RecipientAction;
  /** The report's Status field, if any. */
  status?: string;
  /** Diagnostic-Code or the text block about this recipient. */
  diagnostic?: string;
  /** Wider text (the whole human-readable part) consulted when the recipient's own words say nothing. */
  context?: string;
  /** Whether this recipient is the message's only one, so the wider text is about it alone. */
  soleRecipient?: boolean;
  maxDiagnosticChars: number;
}

const NOT_FAILED: ReadonlySet<RecipientAction> = new Set(['delivered', 'relayed', 'expanded']);

function compact(text: string | undefined, max: number): string | undefined {
  if (!text) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, max) : undefined;
}

/**
 * Status, reason and hard/soft for one recipient (DESIGN §3, reason.ts): its own words first, the
 * wider text only when they say nothing. Hard means the address is dead; a delay never is.
 */
export function classifyRecipient(e: RecipientEvidence): ParsedRecipient {
  const diagnostic = compact(e.diagnostic, e.maxDiagnosticChars);
  const status = bestStatus(e.status, diagnostic) ?? bestStatus(undefined, e.context);
  if (NOT_FAILED.has(e.action)) {
    return {
      email: e.email,
      status: status ?? null,
      hard: null,
      action: e.action,
      reason: 'unknown',
      diagnostic,
    };
  }
  // The wider text names the stage for this recipient only when it is about no one else.
  const stage = smtpStage(e.diagnostic) ?? (e.soleRecipient ? smtpStage(e.context) : undefined);
  const remote = enhancedIn(diagnostic) ?? replyCodeIn(diagnostic);
  let reason: Reason = mailReason({
    status: status ?? replyCodeIn(diagnostic),
    text: diagnostic,
    stage,
    remote,
  });
  if (reason === 'unknown' && e.context && e.soleRecipient) {
    reason = mailReason({ status: status ?? replyCodeIn(e.context), text: e.context, stage, remote });
  }
  const hard = e.action === 'delayed' ? false : typeForReason(reason) === 'hard';
  const out: ParsedRecipient = { email: e.email, status: status ?? null, hard, action: e.action, reason };
  if (diagnostic) out.diagnostic = diagnostic;
  return out;
}
