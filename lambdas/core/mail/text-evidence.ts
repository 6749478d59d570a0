import { addressesIn } from './addresses.js';
import { looksDelayed } from './bounce-signals.js';
import { fieldValues } from './header-block.js';
import type { ParseLimits } from './limits.js';
import type { MimeView } from './mime.js';
import type { OriginalInfo } from './original.js';
import { classifyRecipient } from './recipient.js';
import { enhancedIn, replyCodeIn } from './status-codes.js';
import { textRecipients } from './text-bounce.js';
import type { ParsedRecipient } from './types.js';

/** A failed recipient named by a bounce without a report, and the words about it. */
export interface Evidence {
  email: string;
  block: string;
}

const ENVELOPE_SENDER =
  /(?:mail from|envelope[- ]from|return-path|sender)\s*[:=]?\s*<?([^\s<>]{1,200}@[^\s<>]{1,200})/gi;

/** The bounce's own To and Cc: the original's sender, normally. */
export function ownRecipients(view: MimeView): string[] {
  return ['to', 'cc'].flatMap((name) => fieldValues(view.headers, name)).flatMap((v) => addressesIn(v, 10));
}

/** Addresses that are the sender's (the bounce's parties, the original's From, the envelope sender). */
export function senderSide(view: MimeView, original: OriginalInfo | undefined, report: string): Set<string> {
  const own = ['from', 'to', 'cc', 'reply-to', 'return-path', 'sender']
    .flatMap((name) => fieldValues(view.headers, name))
    .flatMap((value) => addressesIn(value, 10));
  const envelope = [...report.matchAll(ENVELOPE_SENDER)]
    .slice(0, 20)
    .flatMap((m) => addressesIn(m[1] as string, 1));
  return new Set([...own, ...envelope, ...(original?.senders ?? [])]);
}

/** X-Failed-Recipients (Exim, Gmail) with the text's block for each, else the recipients of the text. */
export function textEvidence(
  view: MimeView,
  reportLines: readonly string[],
  report: string,
  exclude: ReadonlySet<string>,
  limits: ParseLimits,
): Evidence[] {
  const found = textRecipients(reportLines, exclude, limits.maxRecipients, ownRecipients(view));
  const listed = fieldValues(view.headers, 'x-failed-recipients').flatMap((v) =>
    addressesIn(v, limits.maxRecipients),
  );
  if (!listed.length) return found;
  return listed.map((email) => ({ email, block: found.find((f) => f.email === email)?.block ?? report }));
}

/** The last resort: the returned original was addressed to them, so it is them it failed for. */
export function originalEvidence(
  original: OriginalInfo | undefined,
  report: string,
  exclude: ReadonlySet<string>,
  limits: ParseLimits,
): Evidence[] {
  return (original?.recipients ?? [])
    .filter((a) => !exclude.has(a))
    .slice(0, limits.maxRecipients)
    .map((email) => ({ email, block: report }));
}

function permanentIn(text: string): boolean {
  return enhancedIn(text)?.startsWith('5') || replyCodeIn(text)?.startsWith('5') || false;
}

export function recipientsFromText(
  evidence: readonly Evidence[],
  subject: string,
  report: string,
  limits: ParseLimits,
  reporterDomains?: ReadonlySet<string>,
): ParsedRecipient[] {
  const delayed = looksDelayed(subject, report);
  return evidence.map((e) =>
    classifyRecipient({
      email: e.email,
      // A notice that keeps trying may still list recipients it gave up on: a 5xx of their own says so.
      action: delayed && !permanentIn(e.block) ? 'delayed' : 'failed',
      diagnostic: e.block,
      context: report,
      soleRecipient: evidence.length === 1,
      reporterDomains,
      maxDiagnosticChars: limits.maxDiagnosticChars,
    }),
  );
}
