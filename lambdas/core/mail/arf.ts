import { addressIn } from './addresses.js';
import { type Field, fieldValue, parseHeaderBlock } from './header-block.js';

/** RFC 5965 feedback-report fields that name the complaint and the complaining recipient. */
export interface FeedbackReport {
  feedbackType: string;
  /** The recipient who complained, when the report names one (many providers redact it). */
  recipient?: string;
  originalMailFrom?: string;
  fields: Field[];
}

/** Parses a message/feedback-report body (RFC 5965 §3.1: header-like fields). */
export function parseFeedbackReport(text: string): FeedbackReport {
  const fields = parseHeaderBlock(text, 200);
  const recipient =
    addressIn(fieldValue(fields, 'original-rcpt-to')) ?? addressIn(fieldValue(fields, 'removal-recipient'));
  return {
    feedbackType: (fieldValue(fields, 'feedback-type') ?? 'abuse').toLowerCase(),
    recipient,
    originalMailFrom: addressIn(fieldValue(fields, 'original-mail-from')),
    fields,
  };
}

/**
 * Complaints forwarded without a feedback-report part (the older Hotmail/Outlook.com form): the
 * complainant stands in a provider header of the returned original, and the subject says what it is.
 */
export function looksLikeForwardedComplaint(
  subject: string | undefined,
  original: Field[] | undefined,
): boolean {
  if (original?.some((f) => f.name === 'x-hmxmroriginalrecipient')) return true;
  return /^\s*(complaint about message from|(spam|abuse) (complaint|report)\b)/i.test(subject ?? '');
}

export function forwardedComplainant(original: Field[] | undefined): string | undefined {
  if (!original) return undefined;
  return addressIn(fieldValue(original, 'x-hmxmroriginalrecipient')) ?? addressIn(fieldValue(original, 'to'));
}
