import { isUuid, normaliseUuid } from '../uuid.js';
import { addressesIn } from './addresses.js';
import { type Field, fieldValue, fieldValues, parseHeaderBlock } from './header-block.js';

/** What the returned original tells: who sent it, to whom, and which campaign and subscriber it was. */
export interface OriginalInfo {
  fields: Field[];
  /** To and Cc of the original, its envelope recipient fields, then the `for <...>` of its Received fields. */
  recipients: string[];
  /** From, Sender, Return-Path and Reply-To of the original: never a failed recipient. */
  senders: string[];
  messageId?: string;
  campaign?: string;
  subscriber?: string;
}

function uuidField(fields: readonly Field[], name: string): string | undefined {
  const value = fieldValue(fields, name)?.trim().replace(/^<|>$/g, '');
  return value && isUuid(value) ? normaliseUuid(value) : undefined;
}

export function originalInfo(text: string, maxFields = 300): OriginalInfo {
  const fields = parseHeaderBlock(text, maxFields);
  const recipients = [
    ...fieldValues(fields, 'to'),
    ...fieldValues(fields, 'cc'),
    // Envelope recipients the receiving side wrote down (Postfix, qmail, Exim).
    ...fieldValues(fields, 'x-original-to'),
    ...fieldValues(fields, 'delivered-to'),
    ...fieldValues(fields, 'envelope-to'),
    ...fieldValues(fields, 'received')
      .map((v) => /\bfor\s+<?([^\s<>;]+@[^\s<>;]+)/i.exec(v)?.[1] ?? '')
      .filter(Boolean),
  ].flatMap((v) => addressesIn(v, 20));
  const senders = ['from', 'sender', 'return-path', 'reply-to', 'errors-to']
    .flatMap((name) => fieldValues(fields, name))
    .flatMap((v) => addressesIn(v, 5));
  const messageId = fieldValue(fields, 'message-id')?.trim();
  return {
    fields,
    recipients: [...new Set(recipients)],
    senders: [...new Set(senders)],
    messageId: messageId || undefined,
    campaign: uuidField(fields, 'x-stmails-campaign'),
    subscriber: uuidField(fields, 'x-stmails-subscriber'),
  };
}

/** Merges what several copies say (a report may carry both headers and the full message). */
export function mergeOriginals(infos: readonly OriginalInfo[]): OriginalInfo | undefined {
  if (infos.length === 0) return undefined;
  if (infos.length === 1) return infos[0];
  return {
    fields: infos.flatMap((i) => i.fields),
    recipients: [...new Set(infos.flatMap((i) => i.recipients))],
    senders: [...new Set(infos.flatMap((i) => i.senders))],
    messageId: infos.find((i) => i.messageId)?.messageId,
    campaign: infos.find((i) => i.campaign)?.campaign,
    subscriber: infos.find((i) => i.subscriber)?.subscriber,
  };
}

/**
 * The stmails headers anywhere in the raw text, for bounces that quote the original in a form no
 * rule above recognised. The first match after the bounce's own header is the returned copy's.
 */
export function stmailsHeadersIn(text: string): { campaign?: string; subscriber?: string } {
  const pick = (name: string) => {
    const m = new RegExp(`^${name}[ \\t]*:[ \\t]*<?([0-9a-f-]{36})>?[ \\t]*$`, 'im').exec(text);
    return m?.[1] && isUuid(m[1]) ? normaliseUuid(m[1]) : undefined;
  };
  return { campaign: pick('X-Stmails-Campaign'), subscriber: pick('X-Stmails-Subscriber') };
}
