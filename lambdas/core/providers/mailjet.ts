import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { ValidationError } from '../errors.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import { firstOf, fromCustomData } from './custom-values.js';
import { epochTime } from './epoch-time.js';
import { flatEvent, type MappedEvent, mapOneOrBatch } from './mapped-event.js';
import type { MappingRow } from './mapping-table.js';
import { isObject, type Json, parseJsonText, text } from './payload-fields.js';
import { defineProvider, type ProviderOutcome } from './provider.js';
import { quoteIntegers } from './quote-integers.js';
import { requireBasicAuth } from './webhook-credentials.js';

export interface MailjetConfig {
  enabled: boolean;
  username: string;
  password: string;
}

const MAX_DIAGNOSTIC = 1000;
const MAX_META = 200;
/** Ids the docs show beyond 2^53; kept as the digits sent. */
const BIG_INTEGER_KEYS = ['MessageID', 'mj_message_id'];

/**
 * Mailjet's error table (`error_related_to` / `error`, "Possible values for errors"), each error
 * with the reason it gives. The errors are unique across the groups, so the error alone decides.
 * `ignored` marks the one that is no failure: a deduplicated campaign send (the first copy went out).
 */
export const MAILJET_ERRORS: readonly { related: string; error: string; reason: Reason | 'ignored' }[] = [
  { related: 'recipient', error: 'user unknown', reason: 'user_unknown' },
  { related: 'recipient', error: 'mailbox inactive', reason: 'mailbox_inactive' },
  { related: 'recipient', error: 'quota exceeded', reason: 'mailbox_full' },
  { related: 'recipient', error: 'blacklisted', reason: 'blocked' },
  { related: 'recipient', error: 'spam reporter', reason: 'blocked' },
  { related: 'domain', error: 'invalid domain', reason: 'host_unknown' },
  { related: 'domain', error: 'no mail host', reason: 'host_unknown' },
  { related: 'domain', error: 'relay/access denied', reason: 'blocked' },
  { related: 'domain', error: 'greylisted', reason: 'network' },
  { related: 'domain', error: 'typofix', reason: 'host_unknown' },
  { related: 'content', error: 'bad or empty template', reason: 'content_rejected' },
  { related: 'content', error: 'error in template language', reason: 'content_rejected' },
  { related: 'spam', error: 'sender blocked', reason: 'blocked' },
  { related: 'spam', error: 'content blocked', reason: 'content_rejected' },
  { related: 'spam', error: 'policy issue', reason: 'policy' },
  { related: 'system', error: 'system issue', reason: 'network' },
  { related: 'system', error: 'protocol issue', reason: 'network' },
  { related: 'system', error: 'connection issue', reason: 'network' },
  { related: 'mailjet', error: 'preblocked', reason: 'blocked' },
  { related: 'mailjet', error: 'duplicate in campaign', reason: 'ignored' },
];

const ERRORS: ReadonlyMap<string, Reason | 'ignored'> = new Map(
  MAILJET_ERRORS.map((e) => [e.error, e.reason]),
);

/** Mailjet's own refusal to send says something about the message or the sender, never that the address is dead. */
const BLOCKED_REASONS: ReadonlySet<Reason> = new Set(['content_rejected', 'policy', 'blocked']);

export const MAILJET_MAPPING: readonly MappingRow[] = [
  ...MAILJET_ERRORS.filter((e) => e.reason !== 'ignored').map(
    (e): MappingRow => ({
      event: 'bounce',
      when: `hard_bounce true, ${e.related}: ${e.error}`,
      type: e.reason !== 'ignored' && (isHardReason(e.reason) || e.reason === 'unknown') ? 'hard' : 'soft',
      reason: e.reason as Reason,
    }),
  ),
  {
    event: 'bounce',
    when: 'hard_bounce true, an error not in the table',
    type: 'hard',
    reason: 'from the text',
  },
  { event: 'bounce', when: 'hard_bounce false, any error', type: 'soft', reason: 'from the text' },
  ...MAILJET_ERRORS.filter(
    (e) => e.reason === 'ignored' || (BLOCKED_REASONS.has(e.reason) && e.reason !== 'blocked'),
  ).map(
    (e): MappingRow => ({
      event: 'blocked',
      when: `${e.related}: ${e.error}`,
      type: e.reason === 'ignored' ? 'ignored' : 'soft',
      reason: e.reason === 'ignored' ? '' : e.reason,
    }),
  ),
  {
    event: 'blocked',
    when: 'any other error (recipient, domain, system, mailjet: preblocked, or one not in the table)',
    type: 'soft',
    reason: 'blocked',
  },
  { event: 'spam', when: '', type: 'complaint', reason: 'complaint' },
  { event: 'sent, open, click, unsub, any other', when: '', type: 'ignored', reason: '' },
];

/** A single event (an object) or, with event grouping (Version 2), an array of them. */
export function parseMailjetBody(rawBody: Buffer): Json | unknown[] {
  const body = parseJsonText(quoteIntegers(rawBody.toString('utf8'), BIG_INTEGER_KEYS));
  if (!isObject(body) && !Array.isArray(body))
    throw new ValidationError('body', 'must be a Mailjet event (a JSON object) or an array of them');
  return body;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === 1;
}

function bounceClass(event: Json): { type: BounceType; reason: Reason } | 'ignored' {
  const error = text(event.error)?.toLowerCase();
  const known = error ? ERRORS.get(error) : undefined;
  if (known === 'ignored') return 'ignored';
  const comment = text(event.comment);
  const reason = known ?? reasonFromStatus(enhancedStatus(comment), comment ?? error);
  // `hard_bounce` is Mailjet's word that the error is permanent; a permanent refusal of the sender
  // (spam, policy, quota) still does not make the address dead.
  const hard = isTrue(event.hard_bounce) && (isHardReason(reason) || reason === 'unknown');
  return { type: hard ? 'hard' : 'soft', reason };
}

function blockedClass(event: Json): { type: BounceType; reason: Reason } | 'ignored' {
  const error = text(event.error)?.toLowerCase();
  const known = error ? ERRORS.get(error) : undefined;
  if (known === 'ignored') return 'ignored';
  return { type: 'soft', reason: known && BLOCKED_REASONS.has(known) ? known : 'blocked' };
}

function classify(event: Json, name: string): { type: BounceType; reason: Reason } | 'ignored' {
  if (name === 'bounce') return bounceClass(event);
  if (name === 'blocked') return blockedClass(event);
  if (name === 'spam') return { type: 'complaint', reason: 'complaint' };
  return 'ignored';
}

const META_KEYS = [
  'event',
  'MessageID',
  'Message_GUID',
  'mj_message_id',
  'mj_campaign_id',
  'mj_contact_id',
  'customcampaign',
  'CustomID',
  'error_related_to',
  'error',
  'source',
] as const;

function meta(event: Json): Json {
  const out: Json = {};
  for (const key of META_KEYS) {
    const value = text(event[key]);
    if (value && value !== '0') out[key] = value.slice(0, MAX_META);
  }
  for (const key of ['hard_bounce', 'blocked'] as const)
    if (typeof event[key] === 'boolean') out[key] = event[key];
  return out;
}

/**
 * Mailjet sends no event id: `mailjet:` + event + message (Message_GUID, else MessageID as sent) +
 * recipient + `time`. A retry carries the same event, so the same key; two events differ in at least
 * one of them.
 */
function eventKey(event: Json, name: string, email: string): string {
  const message = text(event.Message_GUID) ?? text(event.MessageID) ?? text(event.mj_message_id) ?? '';
  return `mailjet:${name}:${message.slice(0, MAX_META)}:${email}:${text(event.time)?.slice(0, 40) ?? ''}`;
}

export function mapMailjetEvent(input: unknown): MappedEvent {
  const head = flatEvent(input, 'a Mailjet event', classify);
  if ('kind' in head) return head;
  const { event: raw, name, classified, email } = head;
  const custom = firstOf(fromCustomData(raw.Payload), fromCustomData(raw.CustomID));
  const bounce: BounceInput = {
    email,
    ...classified,
    source: 'mailjet',
    ...correlate(custom.campaign, custom.subscriber, meta(raw)),
    resolve_by: 'email',
    event_key: eventKey(raw, name, email),
  };
  const related = text(raw.error_related_to);
  const error = text(raw.error);
  const diagnostic = (
    text(raw.comment) ?? (error ? `${related ? `${related}: ` : ''}${error}` : undefined)
  )?.slice(0, MAX_DIAGNOSTIC);
  return {
    kind: 'bounce',
    bounce: withDetails(bounce, {
      status: enhancedStatus(diagnostic),
      diagnostic,
      createdAt: epochTime(raw.time),
    }),
  };
}

/**
 * Mailjet's event API: one event per request, or arrays with event grouping (Version 2), behind the
 * basic-auth credentials put in the endpoint URL. Mailjet retries anything but a 200 for a day, so
 * an unusable event inside a group is skipped and counted rather than failing the group; a single
 * event that cannot be used is a 400 naming its field.
 */
export const mailjetProvider = defineProvider({
  name: 'mailjet',
  title: 'Mailjet',
  verification:
    'HTTP basic credentials configured in `mailjet.username` / `mailjet.password`; one event or a grouped array.',
  settings: [
    {
      key: 'username',
      kind: 'text',
      maxLength: 200,
      description: 'Basic-auth user name put in the Mailjet event URL',
    },
    {
      key: 'password',
      kind: 'secret',
      maxLength: 1000,
      description: 'Basic-auth password put in the Mailjet event URL',
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    requireBasicAuth(request.headers, config, 'mailjet');
    const body = parseMailjetBody(request.rawBody);
    return mapOneOrBatch(body, mapMailjetEvent);
  },
});
