import { addressesIn } from './addresses.js';
import { looksDelayed } from './bounce-signals.js';
import { fieldValues } from './header-block.js';
import type { ParseLimits } from './limits.js';
import type { MimeView } from './mime.js';
import type { OriginalInfo } from './original.js';
import { classifyRecipient } from './recipient.js';
import type { ReportingSystem } from './reporting-system.js';
import { enhancedIn, replyCodeIn } from './status-codes.js';
import { textRecipients } from './text-bounce.js';
import type { ParsedRecipient } from './types.js';

/** A failed recipient named by a bounce without a report, and the words about it. */
export interface Evidence {
  email: string;
  block: string;
}

// The label is found first, then the address is read where the label ends (sticky): one pattern
// with both would re-read up to 400 characters at every label it fails after.
const ENVELOPE_LABEL = /mail from|envelope[- ]from|return-path|sender/gi;
const ENVELOPE_ADDRESS = /\s*(?:[:=]\s*)?<?([^\s<>]{1,200}@[^\s<>]{1,200})/y;

/** The addresses the report names as the envelope sender, at most `max`. */
function envelopeSenders(report: string, max: number): string[] {
  const found: string[] = [];
  let readUpTo = 0;
  for (const label of report.matchAll(ENVELOPE_LABEL)) {
    // A label inside an address already read is part of that address.
    if ((label.index ?? 0) < readUpTo) continue;
    ENVELOPE_ADDRESS.lastIndex = (label.index ?? 0) + label[0].length;
    const address = ENVELOPE_ADDRESS.exec(report)?.[1];
    if (!address) continue;
    found.push(address);
    readUpTo = ENVELOPE_ADDRESS.lastIndex;
    if (found.length >= max) break;
  }
  return found;
}

/** The bounce's own To and Cc: the original's sender, normally. */
export function ownRecipients(view: MimeView): string[] {
  return ['to', 'cc'].flatMap((name) => fieldValues(view.headers, name)).flatMap((v) => addressesIn(v, 10));
}

/** Addresses that are the sender's (the bounce's parties, the original's From, the envelope sender). */
export function senderSide(view: MimeView, original: OriginalInfo | undefined, report: string): Set<string> {
  const own = ['from', 'to', 'cc', 'reply-to', 'return-path', 'sender']
    .flatMap((name) => fieldValues(view.headers, name))
    .flatMap((value) => addressesIn(value, 10));
  const envelope = envelopeSenders(report, 20).flatMap((address) => addressesIn(address, 1));
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
  reporter?: ReportingSystem,
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
      reporter,
      maxDiagnosticChars: limits.maxDiagnosticChars,
    }),
  );
}
