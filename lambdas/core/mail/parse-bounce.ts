import { BounceError } from '../errors.js';
import { forwardedComplainant, looksLikeForwardedComplaint, parseFeedbackReport } from './arf.js';
import { autoReplyEvidence } from './autoreply.js';
import { bounceSignals, isBounceLike } from './bounce-signals.js';
import { withoutFraming } from './framing.js';
import { fieldValue } from './header-block.js';
import { boundedLines, type ParseLimits, resolveLimits } from './limits.js';
import { type MimeView, rawView, readMime } from './mime.js';
import { mergeOriginals, type OriginalInfo, originalInfo, stmailsHeadersIn } from './original.js';
import { findDsn, recipientsFromReport } from './report-recipients.js';
import { sesNotification } from './ses-notification.js';
import { textRecipients } from './text-bounce.js';
import {
  originalEvidence,
  recipientsFromText,
  senderAddresses,
  senderSide,
  textEvidence,
} from './text-evidence.js';
import { splitTextRegion, type TextRegion } from './text-region.js';
import type { ParsedMessage, ParsedRecipient } from './types.js';

export type { ParsedMessage, ParsedRecipient } from './types.js';

export interface ParseOptions {
  limits?: Partial<ParseLimits>;
}

/** Raised only when the parser itself fails; a malformed or truncated message still gets an answer. */
export class MailParseError extends BounceError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid', message, options);
    this.name = 'MailParseError';
  }
}

const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'text/rfc822-header',
  'message/rfc822-headers',
  'message/global-headers',
  'message/partial',
]);
// A bounce quoted whole inside another message (forwarded, or returned by a second MTA) is read once.
const MAX_NESTED = 1;
// Lines of a quoted copy looked at for the marks of a bounce.
const MAX_NESTED_LINES = 5_000;
const encoder = new TextEncoder();

type Answer = Omit<ParsedMessage, 'kind' | 'is_bounce' | 'recipients'>;

interface Context {
  view: MimeView;
  bytes: Uint8Array;
  limits: ParseLimits;
  truncated: boolean;
  depth: number;
}

function toBytes(raw: Uint8Array | string, max: number): { bytes: Uint8Array; truncated: boolean } {
  const whole = typeof raw === 'string' ? encoder.encode(raw.slice(0, max)) : raw;
  return {
    bytes: withoutFraming(whole.subarray(0, max)),
    truncated: whole.length > max || raw.length > max,
  };
}

/** Campaign, subscriber and message ids: from the returned original, else any X-Stmails-* line. */
function identifiers(ctx: Context, original: OriginalInfo | undefined): Answer {
  const out: Answer = {};
  const fallback = original?.campaign && original.subscriber ? {} : stmailsHeadersIn(ctx.view.text);
  const campaign = original?.campaign ?? fallback.campaign;
  const subscriber = original?.subscriber ?? fallback.subscriber;
  if (campaign) out.campaign = campaign;
  if (subscriber) out.subscriber = subscriber;
  const messageId = fieldValue(ctx.view.headers, 'message-id');
  if (messageId) out.message_id = messageId;
  if (original?.messageId) out.original_message_id = original.messageId;
  if (ctx.truncated) out.truncated = true;
  return out;
}

function complaint(ctx: Context, original: OriginalInfo | undefined, base: Answer): ParsedMessage {
  const part = ctx.view.parts.find((p) => p.type === 'message/feedback-report');
  const arf = part ? parseFeedbackReport(part.content) : undefined;
  const fallback = forwardedComplainant(original?.fields) ?? original?.recipients[0];
  const emails = arf?.recipients.length ? arf.recipients : fallback ? [fallback] : [];
  // The complained-about message was delivered; the scanner records the complaint (DESIGN §9).
  const recipients: ParsedRecipient[] = emails
    .slice(0, ctx.limits.maxRecipients)
    .map((email) => ({ email, status: null, hard: null, action: 'delivered', reason: 'complaint' }));
  return {
    kind: 'feedback',
    is_bounce: false,
    recipients,
    ...base,
    feedback_type: arf?.feedbackType ?? 'abuse',
  };
}

/** A report's Content-Type, or a daemon's From, on some line of a text: a bounce quoted whole. */
function looksLikeBounce(text: string): boolean {
  for (const line of text.split('\n', MAX_NESTED_LINES)) {
    const lower = line.slice(0, 120).toLowerCase();
    if (lower.startsWith('content-type:') && /multipart\/report|message\/delivery-status/.test(lower))
      return true;
    if (lower.startsWith('from:') && /mailer-daemon|postmaster|mail delivery/.test(lower)) return true;
  }
  return false;
}

/** Whole bounces quoted inside this one (forwarded, or wrapped by a second MTA), to be read again. */
function nestedBounces(view: MimeView, region: TextRegion): string[] {
  const copies = view.parts.filter((p) => p.type === 'message/rfc822' || p.type === 'message/global');
  const texts = copies.map((p) => p.content);
  if (region.returned) texts.push(region.returned);
  return texts.filter(looksLikeBounce);
}

/**
 * A bounce whose recipient is nowhere in its own words: a bounce quoted inside it, else the raw text
 * of a message whose MIME structure hid its report (a boundary that never occurs), read once more.
 */
async function lookDeeper(
  ctx: Context,
  region: TextRegion,
  base: Answer,
): Promise<ParsedMessage | undefined> {
  if (ctx.depth >= MAX_NESTED) return undefined;
  const views: { bytes: Uint8Array; view: MimeView }[] = nestedBounces(ctx.view, region).map((text) => {
    const bytes = withoutFraming(encoder.encode(text));
    return { bytes, view: readMime(bytes, ctx.limits) };
  });
  if (!ctx.view.raw) views.push({ bytes: ctx.bytes, view: rawView(ctx.bytes, ctx.limits) });
  for (const { bytes, view } of views) {
    const inner = await interpret({ ...ctx, bytes, view, depth: ctx.depth + 1 });
    if (inner.is_bounce && inner.recipients.length) return { ...base, ...inner, message_id: base.message_id };
  }
  return undefined;
}

async function interpret(ctx: Context): Promise<ParsedMessage> {
  const { view, limits } = ctx;
  const lines = boundedLines(view.text, limits);
  const region = splitTextRegion(lines);
  const originals = view.parts.filter((p) => ORIGINAL_TYPES.has(p.type)).map((p) => originalInfo(p.content));
  if (region.returned) originals.push(originalInfo(region.returned));
  const original = mergeOriginals(originals);
  const base = identifiers(ctx, original);
  const reportLines = region.returned === undefined ? lines : boundedLines(region.report, limits);

  if (
    view.parts.some((p) => p.type === 'message/feedback-report') ||
    looksLikeForwardedComplaint(view.subject, original?.fields)
  )
    return complaint(ctx, original, base);

  const ses = sesNotification(view.text);
  if (ses) {
    const answer: ParsedMessage = {
      kind: ses.kind,
      is_bounce: ses.kind === 'bounce',
      recipients: ses.recipients,
    };
    return { ...answer, ...base, ...(ses.feedbackType ? { feedback_type: ses.feedbackType } : {}) };
  }

  const sender = senderSide(view, original, region.report);
  const dsn = findDsn(view, region.report);
  const senders = senderAddresses(view, original, region.report);
  const auto = autoReplyEvidence(view.headers, view.subject, region.report);
  const autoreply: ParsedMessage = { kind: 'autoreply', is_bounce: false, recipients: [], ...base };
  if (dsn) {
    const blocks = textRecipients(reportLines, sender, limits.maxRecipients, [], original?.recipients);
    const byEmail = new Map(blocks.map((r) => [r.email, r.block]));
    const recipients = recipientsFromReport(
      dsn,
      byEmail,
      region.report,
      limits,
      senders,
      original?.recipients,
    );
    const failing = recipients.filter((r) => r.action === 'failed' || r.action === 'delayed');
    // A challenge-response request may wear a report's shape; only a permanent failure outranks it.
    if (auto.challenge && !failing.some((r) => r.action === 'failed' && r.status?.startsWith('5')))
      return autoreply;
    if (failing.length) return { kind: 'bounce', is_bounce: true, recipients: failing, ...base };
    if (recipients.length) return { kind: 'delivered', is_bounce: false, recipients, ...base };
  }
  if (auto.challenge) return autoreply;

  const signals = bounceSignals(view.headers, view.subject, region.report);
  const sureBounce = signals.daemonSender || signals.failedRecipientsHeader || dsn !== undefined;
  // An out-of-office notice may come from a daemon-like address or under a delivery-like subject:
  // marked as a reply and worded as a vacation, with no word of a failure, it is one.
  if (
    auto.vacation &&
    (auto.submitted || auto.replyHeader) &&
    !signals.failedRecipientsHeader &&
    !signals.failureText
  )
    return autoreply;
  if (auto.replyHeader && !sureBounce) return autoreply;
  // Auto-Submitted alone says only that a machine wrote the message: a bounce is machine mail too.
  if (!sureBounce && !isBounceLike(signals))
    return auto.submitted || auto.vacation
      ? autoreply
      : { kind: 'not-bounce', is_bounce: false, recipients: [], ...base };

  let evidence = textEvidence(view, reportLines, region.report, sender, limits, original?.recipients);
  if (!evidence.length) {
    const deeper = await lookDeeper(ctx, region, base);
    if (deeper) return deeper;
    evidence = originalEvidence(original, region.report, sender, limits);
  }
  const recipients = recipientsFromText(evidence, view.subject, region.report, limits, senders);
  return { kind: 'bounce', is_bounce: true, recipients, ...base };
}

/**
 * Reads one mail of a bounce mailbox (DESIGN §7, §9): an RFC 3464 report, an RFC 5965 complaint,
 * an RFC 3834 auto-reply, a non-standard bounce, or none of these. Pure and bounded: every step is
 * limited by `limits` (sizes and counts, see limits.ts), so a truncated or hostile message ends in
 * bounded time without a clock. A message that breaks no rule but fits none is `not-bounce`; the
 * only error is MailParseError, for a fault of the parser itself.
 */
export async function parseBounce(raw: Uint8Array | string, options?: ParseOptions): Promise<ParsedMessage> {
  const limits = resolveLimits(options?.limits);
  const { bytes, truncated } = toBytes(raw, limits.maxMessageBytes);
  try {
    return await interpret({ view: readMime(bytes, limits), bytes, limits, truncated, depth: 0 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new MailParseError(`bounce parser failed: ${message}`, { cause: error });
  }
}
