import { mapSesMessage } from '../providers/ses-mapping.js';
import { addressesIn } from './addresses.js';
import { classifyRecipient } from './recipient.js';
import type { MessageKind, ParsedRecipient } from './types.js';

/**
 * An Amazon SES notification delivered by e-mail (an SNS topic with an e-mail subscription drops the
 * JSON into the bounce mailbox). The provider mapping the SES webhook uses reads it, so one SES event
 * gets one answer whichever way it arrives.
 */
export interface SesAnswer {
  kind: MessageKind;
  recipients: ParsedRecipient[];
  feedbackType?: string;
}

function jsonIn(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  const json = text.slice(start, end + 1);
  // Mail gateways fold long lines; a fold inside a JSON string breaks it, so unfold and retry.
  for (const candidate of [json, json.replace(/\r?\n[ \t]/g, ''), json.replace(/\r?\n/g, '')]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // next form
    }
  }
  return undefined;
}

/** An SNS e-mail-JSON subscription wraps the SES record in an envelope, as a string in `Message`. */
function unwrapped(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (typeof record?.Message !== 'string' || record.notificationType || record.eventType) return record;
  return jsonIn(record.Message);
}

export function sesNotification(text: string): SesAnswer | undefined {
  if (!/\\?"(notificationType|eventType)\\?"\s*:/.test(text)) return undefined;
  const record = unwrapped(jsonIn(text));
  const kind = String(record?.notificationType ?? record?.eventType ?? '').toLowerCase();
  if (!record || !kind) return undefined;
  if (kind === 'bounce' || kind === 'complaint') {
    const json = JSON.stringify(record);
    let mapped: ReturnType<typeof mapSesMessage>;
    try {
      mapped = mapSesMessage(json, { snsMessageId: 'mailbox', topicArn: 'mailbox' });
    } catch {
      return undefined;
    }
    if (kind === 'complaint') {
      const recipients = mapped.bounces.flatMap((b) =>
        b.email
          ? [{ email: b.email, status: null, hard: null, action: 'delivered' as const, reason: b.reason }]
          : [],
      );
      const complaint = record.complaint as Record<string, unknown> | undefined;
      const feedbackType =
        typeof complaint?.complaintFeedbackType === 'string' ? complaint.complaintFeedbackType : undefined;
      return { kind: 'feedback', recipients, feedbackType: feedbackType ?? 'abuse' };
    }
    const recipients = mapped.bounces.flatMap((b): ParsedRecipient[] =>
      b.email
        ? [
            {
              email: b.email,
              status: b.status ?? null,
              hard: b.type === 'hard',
              action: 'failed',
              reason: b.reason,
              ...(b.diagnostic ? { diagnostic: b.diagnostic } : {}),
            },
          ]
        : [],
    );
    return { kind: 'bounce', recipients };
  }
  if (kind === 'delivery') {
    const delivery = record.delivery as Record<string, unknown> | undefined;
    const list = Array.isArray(delivery?.recipients) ? delivery.recipients.map(String) : [];
    const recipients = addressesIn(list.join(' ')).map(
      (email): ParsedRecipient => ({
        email,
        status: null,
        hard: null,
        action: 'delivered',
        reason: 'unknown',
      }),
    );
    return { kind: 'delivered', recipients };
  }
  if (kind === 'deliverydelay') {
    const delay = record.deliveryDelay as Record<string, unknown> | undefined;
    const list = Array.isArray(delay?.delayedRecipients) ? (delay.delayedRecipients as unknown[]) : [];
    const recipients = list.flatMap((item): ParsedRecipient[] => {
      const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const email = addressesIn(String(r.emailAddress ?? ''), 1)[0];
      if (!email) return [];
      const diagnostic = typeof r.diagnosticCode === 'string' ? r.diagnosticCode : undefined;
      return [
        classifyRecipient({
          email,
          action: 'delayed',
          status: typeof r.status === 'string' ? r.status : undefined,
          diagnostic,
          maxDiagnosticChars: 1_000,
        }),
      ];
    });
    return { kind: 'bounce', recipients };
  }
  // Send, Open, Click, Reject, ...: SES events that are no failure of any address.
  return { kind: 'not-bounce', recipients: [] };
}
