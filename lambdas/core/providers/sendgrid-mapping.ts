import { createHash } from 'node:crypto';
import type { BounceInput } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus, typeForReason } from '../bounces/classify.js';
import type { Reason } from '../bounces/reasons.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import { type MappedEvent, recipientOrSkip, skip } from './mapped-event.js';
import { text } from './payload-fields.js';

type SendgridEvent = Record<string, unknown>;

const MAX_DIAGNOSTIC = 1000;
const MAX_META_STRING = 200;
/** Seconds beyond this are really milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const MILLISECONDS_ABOVE = 1e11;
const MAX_TIME_MS = Date.UTC(9999, 11, 31);

// The docs and the OpenAPI enum spell some buckets differently ("Technical" / "Technical Failure"), so
// prefixes decide, in lower case.
const CLASSIFICATIONS: readonly [string, Reason][] = [
  ['invalid address', 'user_unknown'],
  ['mailbox unavailable', 'mailbox_inactive'],
  ['technical', 'network'],
  ['content', 'content_rejected'],
  ['reputation', 'blocked'],
  ['frequency or volume', 'rate_limited'],
];

function lower(value: unknown): string {
  return text(value)?.toLowerCase() ?? '';
}

/** SendGrid says seconds; SDKs and relays have been seen sending milliseconds or numeric strings. */
export function sendgridTime(value: unknown): string | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  const ms = n >= MILLISECONDS_ABOVE ? n : n * 1000;
  return ms <= MAX_TIME_MS ? new Date(Math.round(ms)).toISOString() : undefined;
}

/** JSON with sorted keys, so the same event always hashes to the same fallback key. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `sendgrid:` + sg_event_id, else a hash of the event with its address normalised, so a relay that
 * re-spells the address (case, quotes) does not make one event count twice.
 */
function eventKey(event: SendgridEvent, email: string): string {
  const id = text(event.sg_event_id);
  if (id) return `sendgrid:${id.slice(0, 200)}`;
  return `sendgrid:${createHash('sha256')
    .update(stableJson({ ...event, email }))
    .digest('hex')}`;
}

/**
 * SendGrid's `status` is often the uninformative `5.0.0` while `reason` carries the server's own,
 * more specific code; classification takes the more specific one.
 */
function bestCode(status: string | undefined, diagnostic: string | undefined): string | undefined {
  const fromStatus = enhancedStatus(status);
  const fromText = enhancedStatus(diagnostic);
  if (fromStatus && !(fromStatus.endsWith('.0.0') && fromText)) return fromStatus;
  return fromText ?? fromStatus;
}

function bounceType(event: SendgridEvent): { type: BounceInput['type']; reason: Reason } {
  const classification = lower(event.bounce_classification);
  const named = CLASSIFICATIONS.find(([prefix]) => classification.startsWith(prefix))?.[1];
  const diagnostic = text(event.reason);
  const code = bestCode(text(event.status), diagnostic);
  const reason = named ?? reasonFromStatus(code ?? diagnostic, diagnostic);
  if (reason !== 'unknown') return { type: typeForReason(reason), reason };
  // Only here does SendGrid's own split decide: `bounce` (or none, as in its test post) is its
  // permanent class; `blocked` and anything unrecognised is not proof the address is dead.
  const sgType = lower(event.type);
  return { type: sgType === 'bounce' || sgType === '' ? 'hard' : 'soft', reason };
}

function droppedReason(event: SendgridEvent): Reason | null {
  const reason = lower(event.reason);
  if (reason.startsWith('bounced address')) return 'on_suppression_list';
  // Not a prefix match on "invalid": "Invalid SMTPAPI header" is our fault, not the address's.
  if (reason === 'invalid' || reason.startsWith('invalid address')) return 'user_unknown';
  if (reason.startsWith('spam reporting address')) return 'complaint';
  return null;
}

function classify(event: SendgridEvent): { type: BounceInput['type']; reason: Reason } | null {
  switch (lower(event.event)) {
    case 'bounce':
      return bounceType(event);
    case 'spamreport':
      return { type: 'complaint', reason: 'complaint' };
    case 'dropped': {
      const reason = droppedReason(event);
      return reason ? { type: typeForReason(reason), reason } : null;
    }
    default:
      // deferred (a deferral, DESIGN §9), processed, delivered, open, click, unsubscribes, ...
      return null;
  }
}

function category(value: unknown): string[] | undefined {
  const list = (Array.isArray(value) ? value : [value]).map(text).filter((c) => c !== undefined);
  return list.length ? list.slice(0, 10).map((c) => c.slice(0, MAX_META_STRING)) : undefined;
}

function meta(event: SendgridEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['sg_event_id', 'sg_message_id', 'event', 'type', 'bounce_classification', 'ip']) {
    const value = text(event[key]);
    if (value) out[key] = value.slice(0, MAX_META_STRING);
  }
  const categories = category(event.category);
  if (categories) out.category = categories;
  const tls = text(event.tls);
  if (tls !== undefined) out.tls = Number.isNaN(Number(tls)) ? tls.slice(0, 20) : Number(tls);
  return out;
}

/** Maps one element of a SendGrid batch; never throws, so one bad event cannot fail the others. */
export function mapSendgridEvent(raw: unknown): MappedEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return skip('body', 'must be a JSON object (a SendGrid event)');
  const event = raw as SendgridEvent;
  if (!text(event.event)) return skip('event', 'is required (the event type)');
  const classified = classify(event);
  if (!classified) return { kind: 'ignored' };
  const email = recipientOrSkip(typeof event.email === 'string' ? event.email : undefined, 'email');
  if (typeof email !== 'string') return email;
  const diagnostic = text(event.reason)?.slice(0, MAX_DIAGNOSTIC);
  const status = enhancedStatus(text(event.status)) ?? enhancedStatus(diagnostic);
  const bounce: BounceInput = {
    email,
    ...classified,
    source: 'sendgrid',
    ...correlate(event.stmails_campaign, event.stmails_subscriber, meta(event)),
    resolve_by: 'email',
    event_key: eventKey(event, email),
  };
  return {
    kind: 'bounce',
    bounce: withDetails(bounce, { status, diagnostic, createdAt: sendgridTime(event.timestamp) }),
  };
}
