import type { BounceInput } from '../bounces/bounce.js';
import { enhancedStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { correlate } from './correlation.js';
import { CAMPAIGN_HEADER, SUBSCRIBER_HEADER } from './provider.js';

/**
 * SES feedback (the `Message` of an SNS notification) to bounces, DESIGN §3 and §6. Both formats are
 * read: identity notifications (`notificationType`) and configuration-set events (`eventType`); their
 * bounce and complaint objects are the same, so one bounce reported both ways gets one event key.
 */

/**
 * Where the record came from, kept in each bounce's meta. `field` names the record in error messages:
 * `Message` (the SNS message) by default, `detail` for an EventBridge event.
 */
export interface SesEnvelope {
  snsMessageId?: string;
  topicArn?: string;
  eventBridgeId?: string;
  field?: string;
}

export interface SesMapping {
  bounces: BounceInput[];
  ignored: number;
  skipped: number;
}

type Json = Record<string, unknown>;

const MAX_DIAGNOSTIC = 1000;
const MAX_META_VALUE = 500;

// Sub-types that name the cause; the rest (General, Undetermined) leave it to the status code.
const SUBTYPE_REASONS: ReadonlyMap<string, Reason> = new Map([
  ['noemail', 'user_unknown'],
  ['suppressed', 'on_suppression_list'],
  ['onaccountsuppressionlist', 'on_suppression_list'],
  ['mailboxfull', 'mailbox_full'],
  ['messagetoolarge', 'message_too_large'],
  ['contentrejected', 'content_rejected'],
  ['attachmentrejected', 'content_rejected'],
]);

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function object(value: unknown, field: string): Json {
  if (!isRecord(value)) throw new ValidationError(field, 'is required (an object)');
  return value;
}

function required(value: unknown, field: string): string {
  const out = text(value);
  if (!out) throw new ValidationError(field, 'is required');
  return out;
}

function recipients(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'is required (a list)');
  return value;
}

/** When the bounce or complaint happened; absent, the recording falls back to the clock. */
function timestamp(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ValidationError(field, 'is not a timestamp');
  return new Date(ms).toISOString();
}

/** Only short strings: meta is stored with every bounce and exported, so never the whole headers. */
function compact(fields: Record<string, unknown>): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) {
    const value_ = text(value);
    if (value_) out[key] = value_.slice(0, MAX_META_VALUE);
  }
  return out;
}

/** The first original header of that name (SES lists them only with "include original headers"). */
function header(mail: Json, name: string): string | undefined {
  if (!Array.isArray(mail.headers)) return undefined;
  for (const h of mail.headers)
    if (isRecord(h) && typeof h.name === 'string' && h.name.toLowerCase() === name) return text(h.value);
  return undefined;
}

/** The recipient's address, also from `Name <addr>`; undefined when it is not a usable mailbox. */
function address(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const angle = /<([^<>]*)>\s*$/.exec(value);
  try {
    return normaliseEmail(angle?.[1] ?? value);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * Permanent means SES will not send to the address again, so it is hard whatever the reason;
 * General says nothing more, so a 5.1.x status decides between user_unknown and unknown.
 */
function classify(bounceType: string, subType: string, status: string | undefined) {
  const permanent = bounceType.toLowerCase() === 'permanent';
  let reason = SUBTYPE_REASONS.get(subType.toLowerCase()) ?? 'unknown';
  if (reason === 'unknown' && permanent && subType.toLowerCase() === 'general' && status?.startsWith('5.1.'))
    reason = 'user_unknown';
  const type: 'hard' | 'soft' = permanent || isHardReason(reason) ? 'hard' : 'soft';
  return { type, reason };
}

/** One entry per usable recipient; a recipient listed twice in one report counts once. */
function eachRecipient(
  list: unknown[],
  out: SesMapping,
  build: (email: string, recipient: Json) => BounceInput,
): SesMapping {
  const seen = new Set<string>();
  for (const item of list) {
    const recipient = isRecord(item) ? item : {};
    const email = address(recipient.emailAddress);
    if (!email) out.skipped++;
    else if (seen.has(email)) out.ignored++;
    else {
      seen.add(email);
      out.bounces.push(build(email, recipient));
    }
  }
  return out;
}

function mapBounce(record: Json, envelope: SesEnvelope, at: string): SesMapping {
  const bounce = object(record.bounce, `${at}.bounce`);
  const mail = object(record.mail, `${at}.mail`);
  const bounceType = required(bounce.bounceType, `${at}.bounce.bounceType`);
  const subType = text(bounce.bounceSubType) ?? '';
  const feedbackId = required(bounce.feedbackId, `${at}.bounce.feedbackId`);
  const list = recipients(bounce.bouncedRecipients, `${at}.bounce.bouncedRecipients`);
  const created_at = timestamp(bounce.timestamp, `${at}.bounce.timestamp`);
  const shared = {
    messageId: mail.messageId,
    feedbackId,
    bounceType,
    bounceSubType: subType,
    reportingMTA: bounce.reportingMTA,
    remoteMtaIp: bounce.remoteMtaIp,
    sourceArn: mail.sourceArn,
    snsMessageId: envelope.snsMessageId,
    topicArn: envelope.topicArn,
    eventBridgeId: envelope.eventBridgeId,
  };
  return eachRecipient(list, { bounces: [], ignored: 0, skipped: 0 }, (email, recipient) => {
    const diagnostic = text(recipient.diagnosticCode)?.slice(0, MAX_DIAGNOSTIC);
    const status = enhancedStatus(text(recipient.status)) ?? enhancedStatus(diagnostic);
    const meta = compact({ ...shared, action: recipient.action });
    return {
      email,
      ...classify(bounceType, subType, status),
      ...(status ? { status } : {}),
      ...(diagnostic ? { diagnostic } : {}),
      ...finish(mail, meta),
      source: 'ses',
      ...(created_at ? { created_at } : {}),
      event_key: `ses:bounce:${feedbackId}:${email}`,
      resolve_by: 'email',
    };
  });
}

function mapComplaint(record: Json, envelope: SesEnvelope, at: string): SesMapping {
  const complaint = object(record.complaint, `${at}.complaint`);
  const mail = object(record.mail, `${at}.mail`);
  const feedbackType = text(complaint.complaintFeedbackType);
  // A not-spam report says the recipient wants the mail: the opposite of a complaint.
  if (feedbackType?.toLowerCase() === 'not-spam') return { bounces: [], ignored: 1, skipped: 0 };
  const feedbackId = required(complaint.feedbackId, `${at}.complaint.feedbackId`);
  const list = recipients(complaint.complainedRecipients, `${at}.complaint.complainedRecipients`);
  const created_at = timestamp(complaint.timestamp, `${at}.complaint.timestamp`);
  const meta = compact({
    messageId: mail.messageId,
    feedbackId,
    complaintFeedbackType: feedbackType,
    complaintSubType: complaint.complaintSubType,
    userAgent: complaint.userAgent,
    arrivalDate: complaint.arrivalDate,
    sourceArn: mail.sourceArn,
    snsMessageId: envelope.snsMessageId,
    topicArn: envelope.topicArn,
    eventBridgeId: envelope.eventBridgeId,
  });
  return eachRecipient(list, { bounces: [], ignored: 0, skipped: 0 }, (email) => ({
    email,
    type: 'complaint',
    reason: 'complaint',
    ...finish(mail, meta),
    source: 'ses',
    ...(created_at ? { created_at } : {}),
    event_key: `ses:complaint:${feedbackId}:${email}`,
    resolve_by: 'email',
  }));
}

function finish(mail: Json, meta: Json): Pick<BounceInput, 'campaign_uuid' | 'subscriber_uuid' | 'meta'> {
  return correlate(header(mail, CAMPAIGN_HEADER), header(mail, SUBSCRIBER_HEADER), meta);
}

/**
 * Maps one SES message. Bounces and complaints become bounces; every other kind (Delivery,
 * DeliveryDelay, which is a deferral, Send, Open, Click, Reject, ..., and kinds SES adds later) is
 * acknowledged and counted as ignored.
 */
export function mapSesMessage(message: string, envelope: SesEnvelope): SesMapping {
  let record: unknown;
  try {
    record = JSON.parse(message);
  } catch {
    throw new ValidationError('Message', 'is not JSON (an SES notification is expected)');
  }
  return mapSesRecord(record, envelope);
}

/**
 * Maps one SES record already parsed: the `Message` of an SNS notification, or the `detail` of an
 * EventBridge event (which is the same event-publishing record), so every path gets the same keys.
 */
export function mapSesRecord(record: unknown, envelope: SesEnvelope): SesMapping {
  const at = envelope.field ?? 'Message';
  if (!isRecord(record)) throw new ValidationError(at, 'is not an SES notification object');
  const kind = (text(record.eventType) ?? text(record.notificationType))?.toLowerCase();
  if (!kind) throw new ValidationError(at, 'is not an SES notification (no notificationType or eventType)');
  if (kind === 'bounce') return mapBounce(record, envelope, at);
  if (kind === 'complaint') return mapComplaint(record, envelope, at);
  return { bounces: [], ignored: 1, skipped: 0 };
}

/** SES's bounce type and subtype as other providers echo them (Resend): DESIGN §3's SES row. */
export function classifySesBounce(
  bounceType: string,
  subType: string,
  status: string | undefined,
): { type: 'hard' | 'soft'; reason: Reason } {
  return classify(bounceType, subType, status);
}
