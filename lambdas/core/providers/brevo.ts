import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { ValidationError } from '../errors.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import { type Correlation, firstOf, fromCustomData, fromTags } from './custom-values.js';
import { epochTime } from './epoch-time.js';
import { flatEvent, type MappedEvent, mapOneOrBatch } from './mapped-event.js';
import type { MappingRow } from './mapping-table.js';
import { isObject, type Json, parseJsonText, text } from './payload-fields.js';
import { defineProvider, type ProviderOutcome } from './provider.js';
import { requireBasicOrBearer } from './webhook-credentials.js';

export interface BrevoConfig {
  enabled: boolean;
  username: string;
  password: string;
  token: string;
}

type Classified = { type: BounceType; reason: Reason };

const MAX_DIAGNOSTIC = 1000;
const MAX_META = 200;
const CUSTOM_HEADER = 'X-Mailin-custom';

/**
 * Brevo's transactional events that are failures or complaints, as the payload's `event` names them
 * (the webhook's subscription names are camelCase: hardBounce, softBounce, invalid, blocked, spam).
 * `reason: null` lets the enhanced status and the text decide; a hard bounce whose text shows a
 * sender-side refusal (spam, policy, reputation) becomes soft, as that never proves the address dead.
 * `blocked` is Brevo refusing to send (its own blocklist or the sender's), never the recipient's
 * server: soft.
 */
export const BREVO_EVENTS: readonly { event: string; type: BounceType; reason: Reason | null }[] = [
  { event: 'hard_bounce', type: 'hard', reason: null },
  { event: 'soft_bounce', type: 'soft', reason: null },
  { event: 'invalid_email', type: 'hard', reason: 'user_unknown' },
  { event: 'invalid', type: 'hard', reason: 'user_unknown' },
  { event: 'blocked', type: 'soft', reason: 'blocked' },
  { event: 'spam', type: 'complaint', reason: 'complaint' },
  { event: 'complaint', type: 'complaint', reason: 'complaint' },
];

/** Event names compared without case or underscores, so `hardBounce` and `hard_bounce` agree. */
function canonical(name: string): string {
  return name.toLowerCase().replaceAll('_', '');
}

const EVENTS: ReadonlyMap<string, { type: BounceType; reason: Reason | null }> = new Map(
  BREVO_EVENTS.map((e) => [canonical(e.event), e]),
);

export const BREVO_MAPPING: readonly MappingRow[] = [
  {
    event: 'hard_bounce',
    when: 'the text names a dead address, or nothing known',
    type: 'hard',
    reason: 'from the text',
  },
  {
    event: 'hard_bounce',
    when: 'the text names a refusal of the sender or the message (spam, policy, reputation, quota)',
    type: 'soft',
    reason: 'from the text',
  },
  { event: 'soft_bounce', when: '', type: 'soft', reason: 'from the text' },
  { event: 'invalid_email (also invalid)', when: '', type: 'hard', reason: 'user_unknown' },
  { event: 'blocked', when: '', type: 'soft', reason: 'blocked' },
  { event: 'spam (also complaint)', when: '', type: 'complaint', reason: 'complaint' },
  {
    event: 'deferred, request, delivered, opened, click, unsubscribed, error, any other',
    when: '',
    type: 'ignored',
    reason: '',
  },
];

/** One event, or an array of them when the webhook is created with `batched: true`. */
export function parseBrevoBody(rawBody: Buffer): Json | unknown[] {
  const body = parseJsonText(rawBody.toString('utf8'));
  if (!isObject(body) && !Array.isArray(body))
    throw new ValidationError('body', 'must be a Brevo event (a JSON object) or an array of them');
  return body;
}

function classify(event: Json, name: string): Classified | 'ignored' {
  const row = EVENTS.get(canonical(name));
  if (!row) return 'ignored';
  if (row.reason) return { type: row.type, reason: row.reason };
  const said = text(event.reason);
  const reason = reasonFromStatus(enhancedStatus(said), said);
  if (row.type !== 'hard') return { type: row.type, reason };
  return { type: isHardReason(reason) || reason === 'unknown' ? 'hard' : 'soft', reason };
}

/** `tag` is a string, sometimes a JSON-encoded list; `tags` a list. */
function tagList(event: Json): unknown[] {
  const out: unknown[] = Array.isArray(event.tags) ? [...event.tags] : [];
  const tag = text(event.tag);
  if (tag?.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(tag);
      if (Array.isArray(parsed)) out.push(...parsed);
    } catch {
      out.push(tag);
    }
  } else if (tag) out.push(tag);
  return out;
}

function correlation(event: Json): Correlation {
  return firstOf(fromCustomData(event[CUSTOM_HEADER]), fromTags(tagList(event)));
}

function meta(event: Json): Json {
  const out: Json = {};
  for (const key of ['event', 'message-id', 'template_id', 'sending_ip', 'contact_id'] as const) {
    const value = text(event[key]);
    if (value) out[key] = value.slice(0, MAX_META);
  }
  const tags = tagList(event)
    .map(text)
    .filter((t) => t !== undefined);
  if (tags.length) out.tags = tags.slice(0, 10).map((t) => t.slice(0, MAX_META));
  return out;
}

/** `ts_epoch` (UTC milliseconds), else `ts_event` / `ts` (UTC seconds); `date` is local time, unused. */
function eventTime(event: Json): string | undefined {
  return epochTime(event.ts_epoch) ?? epochTime(event.ts_event) ?? epochTime(event.ts);
}

/**
 * Brevo sends no event id ("id" is the webhook's): `brevo:` + event + `message-id` + recipient + the
 * event time as sent. A retry is the same request, so the same key; two events differ in one of them.
 */
function eventKey(event: Json, name: string, email: string): string {
  const message = text(event['message-id'])?.slice(0, MAX_META) ?? '';
  const at = text(event.ts_epoch) ?? text(event.ts_event) ?? text(event.ts) ?? text(event.date) ?? '';
  return `brevo:${name}:${message}:${email}:${at.slice(0, 40)}`;
}

export function mapBrevoEvent(input: unknown): MappedEvent {
  const head = flatEvent(input, 'a Brevo event', classify);
  if ('kind' in head) return head;
  const { event: raw, name, classified, email } = head;
  const custom = correlation(raw);
  const bounce: BounceInput = {
    email,
    ...classified,
    source: 'brevo',
    ...correlate(custom.campaign, custom.subscriber, meta(raw)),
    resolve_by: 'email',
    event_key: eventKey(raw, name, email),
  };
  const diagnostic = text(raw.reason)?.slice(0, MAX_DIAGNOSTIC);
  return {
    kind: 'bounce',
    bounce: withDetails(bounce, {
      status: enhancedStatus(diagnostic),
      diagnostic,
      createdAt: eventTime(raw),
    }),
  };
}

/**
 * Brevo's transactional webhooks, one event per request or batches (`batched: true`), protected by
 * basic auth in the notify URL or by a bearer token set on the webhook, whichever is configured.
 */
export const brevoProvider = defineProvider({
  name: 'brevo',
  title: 'Brevo',
  verification:
    'HTTP basic credentials (`brevo.username` / `brevo.password`) or `Authorization: Bearer` with `brevo.token`, whichever is set; one event or a batch.',
  settings: [
    {
      key: 'username',
      kind: 'text',
      optional: true,
      maxLength: 200,
      description: 'Basic-auth user name put in the notify URL (with password; or use token)',
    },
    {
      key: 'password',
      kind: 'secret',
      optional: true,
      maxLength: 1000,
      description: 'Basic-auth password put in the notify URL (with username; or use token)',
    },
    {
      key: 'token',
      kind: 'secret',
      optional: true,
      maxLength: 1000,
      description: 'Bearer token set on the webhook (auth type bearer); basic auth, the token or both',
    },
  ],
  checkSettings(config) {
    if (!config.enabled) return null;
    const user = config.username.trim() !== '';
    const password = config.password.trim() !== '';
    if (user !== password)
      return {
        field: user ? 'password' : 'username',
        message: 'is required (not blank) with the other half of basic auth',
      };
    if (!user && config.token.trim() === '')
      return {
        field: 'token',
        message: 'or username and password are required (not blank) while brevo.enabled',
      };
    return null;
  },
  verifiesBeforeEnabledCheck: false,
  // Brevo retries (10 min, 1 h, 2 h, 8 h) only after a 429 or no answer; any 5xx discards the event.
  retryAnswer: 429,
  async handle(request, config): Promise<ProviderOutcome> {
    requireBasicOrBearer(request.headers, config, 'brevo');
    const body = parseBrevoBody(request.rawBody);
    return mapOneOrBatch(body, mapBrevoEvent);
  },
});
