import { addressIn } from './addresses.js';
import { type Field, fieldValue, fieldValues, parseHeaderBlock } from './header-block.js';

/** RFC 5965 feedback-report fields that name the complaint and the complaining recipient. */
export interface FeedbackReport {
  feedbackType: string;
  /**
   * The recipients who complained, when the report names them (many providers redact them). RFC
   * 5965 lets one report carry several Original-Rcpt-To fields, one per recipient of the message.
   */
  recipients: string[];
  originalMailFrom?: string;
  fields: Field[];
}

/** Parses a message/feedback-report body (RFC 5965 §3.1: header-like fields). */
export function parseFeedbackReport(text: string): FeedbackReport {
  const fields = parseHeaderBlock(text, 200);
  const named = (name: string) =>
    fieldValues(fields, name)
      .map((value) => addressIn(value))
      .filter((email): email is string => !!email);
  const rcptTo = [...new Set(named('original-rcpt-to'))];
  return {
    feedbackType: (fieldValue(fields, 'feedback-type') ?? 'abuse').toLowerCase(),
    recipients: rcptTo.length ? rcptTo : named('removal-recipient').slice(0, 1),
    originalMailFrom: addressIn(fieldValue(fields, 'original-mail-from')),
    fields,
  };
}

/**
 * Complaints forwarded without a feedback-report part (the older Hotmail/Outlook.com form, its
 * Junk Mail Reporting Program): the complainant stands in a provider header of the returned
 * original (`X-HmXmrOriginalRecipient`), and the subject says what it is ("complaint about message
 * from ..."). Seen from php-bounce-handler (hotmailbounce, arf6) and sisimai (arf-22, arf-23).
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
