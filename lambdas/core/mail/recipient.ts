import { typeForReason } from '../bounces/classify.js';
import type { Reason } from '../bounces/reasons.js';
import { namesSenderNotRecipient } from './named-parties.js';
import { mailReason, reasonFromWords, smtpStage } from './reason.js';
import { bestStatus, remoteCodeIn, replyCodeIn } from './status-codes.js';
import type { ParsedRecipient, RecipientAction } from './types.js';

export interface RecipientEvidence {
  email: string;
  action: RecipientAction;
  /** The report's Status field, if any. */
  status?: string;
  /** Diagnostic-Code or the text block about this recipient. */
  diagnostic?: string;
  /**
   * Whether `diagnostic` is the human-readable text around the recipient rather than a report field
   * or the remote server's reply: such prose (a footer, a signature) may not overrule a Status field.
   */
  prose?: boolean;
  /** Wider text (the whole human-readable part) consulted when the recipient's own words say nothing. */
  context?: string;
  /** Whether this recipient is the message's only one, so the wider text is about it alone. */
  soleRecipient?: boolean;
  /** The sender's own addresses (envelope sender, the original's From, the bounce's To): a reply
   * that names only these is about the sender, not this recipient. */
  senders?: readonly string[];
  /** A reason the report states in a field of its own (PowerMTA's bounce category): it decides. */
  stated?: Reason;
  maxDiagnosticChars: number;
}

const NOT_FAILED: ReadonlySet<RecipientAction> = new Set(['delivered', 'relayed', 'expanded']);

function compact(text: string | undefined, max: number): string | undefined {
  if (!text) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, max) : undefined;
}

function saysNothing(diagnostic: string | undefined): boolean {
  return !diagnostic || (reasonFromWords(diagnostic) === 'unknown' && !/^\s*x-unix\s*;/i.test(diagnostic));
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
  const remote = remoteCodeIn(diagnostic);
  // Prose around a report's recipient may name what a vague Status leaves open, never soften an
  // address verdict the report states: an antivirus footer under "Status: 5.1.1" is not its cause.
  const prose = !!e.prose && !!e.status;
  let reason: Reason =
    e.stated ??
    mailReason({
      status: status ?? replyCodeIn(diagnostic),
      text: diagnostic,
      stage,
      remote,
      prose,
      aboutSender: namesSenderNotRecipient(e.diagnostic, e.email, e.senders),
    });
  // The wider text speaks only when the recipient's own words are silent: words the recipient's own
  // reply was found not to prove (a guess, a content filter's) are not proven by being repeated there.
  if (reason === 'unknown' && e.context && e.soleRecipient && saysNothing(diagnostic)) {
    reason = mailReason({
      status: status ?? replyCodeIn(e.context),
      text: e.context,
      stage,
      remote,
      aboutSender: namesSenderNotRecipient(e.context, e.email, e.senders),
    });
  }
  const hard = e.action === 'delayed' ? false : typeForReason(reason) === 'hard';
  const out: ParsedRecipient = { email: e.email, status: status ?? null, hard, action: e.action, reason };
  if (diagnostic) out.diagnostic = diagnostic;
  return out;
}
