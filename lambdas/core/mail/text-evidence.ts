import { addressesIn } from './addresses.js';
import { looksDelayed } from './bounce-signals.js';
import { fieldValues } from './header-block.js';
import type { ParseLimits } from './limits.js';
import type { MimeView } from './mime.js';
import type { OriginalInfo } from './original.js';
import { classifyRecipient } from './recipient.js';
import { enhancedIn, replyCodeIn } from './status-codes.js';
import { type SenderSide, textRecipients } from './text-bounce.js';
import { trimStartOf } from './trim.js';
import type { ParsedRecipient } from './types.js';

/** A failed recipient named by a bounce without a report, and the words about it. */
export interface Evidence {
  email: string;
  block: string;
}

// Report wordings after which the envelope sender stands (`MAIL FROM:<a@b>`, `Return-Path: <a@b>`).
const ENVELOPE_WORDS = ['mail from', 'envelope-from', 'envelope from', 'return-path', 'sender'];
const MAX_ENVELOPE_LINES = 2_000;

/** The bounce's own To and Cc: the original's sender, normally. */
export function ownRecipients(view: MimeView): string[] {
  return ['to', 'cc'].flatMap((name) => fieldValues(view.headers, name)).flatMap((v) => addressesIn(v, 10));
}

/** The address right after an envelope word on a line (`MAIL FROM:<a@b>`), if one stands there. */
function envelopeSenders(report: string): string[] {
  const out: string[] = [];
  for (const line of report.split('\n', MAX_ENVELOPE_LINES)) {
    if (!line.includes('@')) continue;
    const lower = line.toLowerCase();
    for (const word of ENVELOPE_WORDS) {
      const at = lower.indexOf(word);
      if (at < 0) continue;
      let rest = trimStartOf(line.slice(at + word.length, at + word.length + 420), ' \t');
      if (rest[0] === ':' || rest[0] === '=') rest = trimStartOf(rest.slice(1), ' \t');
      const token = trimStartOf(rest, '<').split(/[\s<>]/, 1)[0] ?? '';
      if (token.includes('@')) out.push(...addressesIn(token, 1));
    }
    if (out.length >= 20) break;
  }
  return out;
}

/** Addresses that are the sender's (the bounce's parties and envelope sender; the original's From). */
export function senderSide(view: MimeView, original: OriginalInfo | undefined, report: string): SenderSide {
  const own = ['from', 'to', 'cc', 'reply-to', 'return-path', 'sender']
    .flatMap((name) => fieldValues(view.headers, name))
    .flatMap((value) => addressesIn(value, 10));
  const parties = new Set([...own, ...envelopeSenders(report)]);
  const originalSenders = new Set((original?.senders ?? []).filter((a) => !parties.has(a)));
  return { parties, originalSenders };
}

/**
 * The sender's own addresses: whom the bounce returns to (its To and Cc), the envelope sender the
 * report names, and the original's From, Sender and Return-Path. The bounce's From is the reporting
 * system's, not the sender's, and is left out.
 */
export function senderAddresses(
  view: MimeView,
  original: OriginalInfo | undefined,
  report: string,
): string[] {
  return [...new Set([...ownRecipients(view), ...envelopeSenders(report), ...(original?.senders ?? [])])];
}

/** X-Failed-Recipients (Exim, Gmail) with the text's block for each, else the recipients of the text. */
export function textEvidence(
  view: MimeView,
  reportLines: readonly string[],
  report: string,
  sender: SenderSide,
  limits: ParseLimits,
  originalRecipients: readonly string[] = [],
): Evidence[] {
  const found = textRecipients(
    reportLines,
    sender,
    limits.maxRecipients,
    ownRecipients(view),
    originalRecipients,
  );
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
  sender: SenderSide,
  limits: ParseLimits,
): Evidence[] {
  const candidates = (original?.recipients ?? []).filter(
    (a) => !sender.parties.has(a) && !sender.originalSenders.has(a),
  );
  // Of several addressees the report does not say which failed: naming them all would invent some.
  return candidates.length === 1
    ? candidates.slice(0, limits.maxRecipients).map((email) => ({ email, block: report }))
    : [];
}

function permanentIn(text: string): boolean {
  return enhancedIn(text)?.startsWith('5') || replyCodeIn(text)?.startsWith('5') || false;
}

export function recipientsFromText(
  evidence: readonly Evidence[],
  subject: string,
  report: string,
  limits: ParseLimits,
  senders: readonly string[] = [],
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
      senders,
      maxDiagnosticChars: limits.maxDiagnosticChars,
    }),
  );
}
