import { createHash } from 'node:crypto';
import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import type { Reason } from '../bounces/reasons.js';
import { ValidationError } from '../errors.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import { firstOf, fromCustomData, fromTags } from './custom-values.js';
import { epochTime } from './epoch-time.js';
import { type MappedEvent, mapBatch, recipientOrSkip, skip } from './mapped-event.js';
import type { MappingRow } from './mapping-table.js';
import { isObject, type Json, parseJsonText, text } from './payload-fields.js';
import { defineProvider, type ProviderOutcome } from './provider.js';
import { requireBasicAuth } from './webhook-credentials.js';

export interface SparkpostConfig {
  enabled: boolean;
  username: string;
  password: string;
}

type Outcome = { type: BounceType; reason: Reason | null } | 'ignored';

const MAX_DIAGNOSTIC = 1000;
const MAX_META = 200;
const BATCH_HEADER = 'x-messagesystems-batch-id';
const CLASS_CODE = /^\d{1,4}$/;

/**
 * SparkPost's bounce classification codes (its "Bounce Classification Codes" table) with the category
 * SparkPost gives each. Hard (10, 30, 90) are the classes SparkPost itself suppresses. Block (50-54)
 * and Admin (25) are the receiver's or SparkPost's policy about the sender, never proof the address is
 * dead: soft. Auto-replies, subscribe requests and challenge-response probes are not failures:
 * ignored. `reason: null` lets the enhanced status and the text decide (else `unknown`).
 */
export const SPARKPOST_BOUNCE_CLASSES: readonly {
  code: number;
  name: string;
  category: 'Hard' | 'Soft' | 'Block' | 'Admin' | 'Undetermined';
  outcome: Outcome;
}[] = [
  { code: 1, name: 'Undetermined', category: 'Undetermined', outcome: { type: 'soft', reason: null } },
  {
    code: 10,
    name: 'Invalid Recipient',
    category: 'Hard',
    outcome: { type: 'hard', reason: 'user_unknown' },
  },
  { code: 20, name: 'Soft Bounce', category: 'Soft', outcome: { type: 'soft', reason: null } },
  { code: 21, name: 'DNS Failure', category: 'Soft', outcome: { type: 'soft', reason: 'network' } },
  { code: 22, name: 'Mailbox Full', category: 'Soft', outcome: { type: 'soft', reason: 'mailbox_full' } },
  { code: 23, name: 'Too Large', category: 'Soft', outcome: { type: 'soft', reason: 'message_too_large' } },
  { code: 24, name: 'Timeout', category: 'Soft', outcome: { type: 'soft', reason: 'expired' } },
  { code: 25, name: 'Admin Failure', category: 'Admin', outcome: { type: 'soft', reason: 'policy' } },
  {
    code: 30,
    name: 'Generic Bounce: No RCPT',
    category: 'Hard',
    outcome: { type: 'hard', reason: 'user_unknown' },
  },
  { code: 40, name: 'Generic Bounce', category: 'Soft', outcome: { type: 'soft', reason: null } },
  { code: 50, name: 'Mail Block', category: 'Block', outcome: { type: 'soft', reason: 'blocked' } },
  { code: 51, name: 'Spam Block', category: 'Block', outcome: { type: 'soft', reason: 'blocked' } },
  { code: 52, name: 'Spam Content', category: 'Block', outcome: { type: 'soft', reason: 'spam_detected' } },
  {
    code: 53,
    name: 'Prohibited Attachment',
    category: 'Block',
    outcome: { type: 'soft', reason: 'content_rejected' },
  },
  { code: 54, name: 'Relaying Denied', category: 'Block', outcome: { type: 'soft', reason: 'policy' } },
  { code: 60, name: 'Auto-Reply', category: 'Soft', outcome: 'ignored' },
  { code: 70, name: 'Transient Failure', category: 'Soft', outcome: { type: 'soft', reason: null } },
  { code: 80, name: 'Subscribe', category: 'Admin', outcome: 'ignored' },
  {
    code: 90,
    name: 'Unsubscribe',
    category: 'Hard',
    outcome: { type: 'hard', reason: 'on_suppression_list' },
  },
  { code: 100, name: 'Challenge-Response', category: 'Soft', outcome: 'ignored' },
];

const CLASSES: ReadonlyMap<number, Outcome> = new Map(
  SPARKPOST_BOUNCE_CLASSES.map((c) => [c.code, c.outcome]),
);

/** What a class SparkPost has not documented (or none) becomes: soft, the text says why. */
const UNLISTED_CLASS: Outcome = { type: 'soft', reason: null };

/** The mapping as users read it (README "Providers"); the lookups above are its source. */
export const SPARKPOST_MAPPING: readonly MappingRow[] = [
  ...SPARKPOST_BOUNCE_CLASSES.map(
    (c): MappingRow => ({
      event: 'bounce, out_of_band',
      when: `bounce_class ${c.code} (${c.name}, ${c.category})`,
      type: c.outcome === 'ignored' ? 'ignored' : c.outcome.type,
      reason: c.outcome === 'ignored' ? '' : (c.outcome.reason ?? 'from the text'),
    }),
  ),
  { event: 'bounce, out_of_band', when: 'any other bounce_class', type: 'soft', reason: 'from the text' },
  { event: 'spam_complaint', when: 'fbtype other than not-spam', type: 'complaint', reason: 'complaint' },
  { event: 'spam_complaint', when: 'fbtype not-spam', type: 'ignored', reason: '' },
  { event: 'delay', when: 'SparkPost still retries', type: 'ignored', reason: '' },
  {
    event: 'any other (delivery, injection, policy_rejection, open, click, unsubscribes, ...)',
    when: '',
    type: 'ignored',
    reason: '',
  },
  {
    event: '{"msys":{}}',
    when: 'the test batch SparkPost sends when a webhook is saved',
    type: 'ignored',
    reason: '',
  },
];

function parseBatch(rawBody: Buffer): unknown[] {
  const body = parseJsonText(rawBody.toString('utf8'));
  if (!Array.isArray(body))
    throw new ValidationError('body', 'must be a JSON array of SparkPost events ({"msys": {...}})');
  return body;
}

function classOutcome(event: Json): Outcome {
  const raw = text(event.bounce_class);
  const code = raw && CLASS_CODE.test(raw) ? Number(raw) : undefined;
  return (code !== undefined && CLASSES.get(code)) || UNLISTED_CLASS;
}

function classify(event: Json): { type: BounceType; reason: Reason } | 'ignored' {
  switch (text(event.type)?.toLowerCase()) {
    case 'bounce':
    case 'out_of_band': {
      const outcome = classOutcome(event);
      if (outcome === 'ignored') return 'ignored';
      if (outcome.reason) return { type: outcome.type, reason: outcome.reason };
      const diagnostic = text(event.raw_reason) ?? text(event.reason);
      const reason = reasonFromStatus(enhancedStatus(diagnostic) ?? text(event.error_code), diagnostic);
      return { type: outcome.type, reason };
    }
    case 'spam_complaint':
      // An ARF `not-spam` report says the opposite of a complaint.
      return text(event.fbtype)?.toLowerCase() === 'not-spam'
        ? 'ignored'
        : { type: 'complaint', reason: 'complaint' };
    default:
      return 'ignored';
  }
}

const META_KEYS = [
  'type',
  'event_id',
  'bounce_class',
  'error_code',
  'message_id',
  'transmission_id',
  'campaign_id',
  'subaccount_id',
  'fbtype',
  'ip_pool',
  'sending_ip',
  'template_id',
] as const;

function meta(event: Json, batchId: string | undefined): Json {
  const out: Json = {};
  for (const key of META_KEYS) {
    const value = text(event[key]);
    if (value) out[key] = value.slice(0, MAX_META);
  }
  if (batchId) out.batch_id = batchId.slice(0, MAX_META);
  return out;
}

/**
 * `sparkpost:` + type + `event_id`: SparkPost resends a failed batch as it was, so the id is stable
 * across its retries, and it is unique per event (the type guards against the docs' samples, which
 * share one id). Without an id: the message, recipient and time, else a hash of the event.
 */
function eventKey(event: Json, type: string, email: string): string {
  const id = text(event.event_id);
  if (id) return `sparkpost:${type}:${id.slice(0, MAX_META)}`;
  const message = text(event.message_id) ?? text(event.transmission_id);
  const at = text(event.timestamp);
  if (message || at) return `sparkpost:${type}:${message ?? ''}:${email}:${at ?? ''}`.slice(0, 600);
  return `sparkpost:${type}:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
}

/** One element of a batch; never throws, so one bad event cannot fail the others. */
export function mapSparkpostEvent(raw: unknown, batchId?: string): MappedEvent {
  if (!isObject(raw) || !isObject(raw.msys)) return skip('msys', 'must be a JSON object (a SparkPost event)');
  // `message_event`, `track_event`, `unsubscribe_event`, ...: one per element. An empty `msys` is the
  // test batch SparkPost posts when a webhook is saved, which must be answered 200.
  const event = Object.values(raw.msys).find(isObject);
  if (!event) return { kind: 'ignored' };
  const type = text(event.type)?.toLowerCase();
  if (!type) return skip('type', 'is required (the event type)');
  const classified = classify(event);
  if (classified === 'ignored') return { kind: 'ignored' };
  const email = recipientOrSkip(text(event.rcpt_to) ?? text(event.raw_rcpt_to), 'rcpt_to');
  if (typeof email !== 'string') return email;
  const custom = firstOf(fromCustomData(event.rcpt_meta), fromTags(event.rcpt_tags));
  const bounce: BounceInput = {
    email,
    ...classified,
    source: 'sparkpost',
    ...correlate(custom.campaign, custom.subscriber, meta(event, batchId)),
    resolve_by: 'email',
    event_key: eventKey(event, type, email),
  };
  const diagnostic = (text(event.raw_reason) ?? text(event.reason))?.slice(0, MAX_DIAGNOSTIC);
  return {
    kind: 'bounce',
    bounce: withDetails(bounce, {
      status: enhancedStatus(diagnostic),
      diagnostic,
      createdAt: epochTime(event.timestamp),
    }),
  };
}

/**
 * SparkPost's event webhook (batches of `msys` events), authenticated by the basic-auth credentials
 * set on the webhook. Bounces and out-of-band bounces by bounce class, spam complaints; everything
 * else, including delays (SparkPost still retries) and the empty test batch, is acknowledged.
 */
export const sparkpostProvider = defineProvider({
  name: 'sparkpost',
  title: 'SparkPost',
  verification:
    'HTTP basic credentials configured in `sparkpost.username` / `sparkpost.password`; batches of `msys` events.',
  settings: [
    {
      key: 'username',
      kind: 'text',
      maxLength: 200,
      description: 'Basic-auth user name set on the SparkPost webhook',
    },
    {
      key: 'password',
      kind: 'secret',
      maxLength: 1000,
      description: 'Basic-auth password set on the SparkPost webhook',
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    requireBasicAuth(request.headers, config, 'sparkpost');
    const batchId = text(request.headers[BATCH_HEADER]);
    return mapBatch(parseBatch(request.rawBody), (element) => mapSparkpostEvent(element, batchId));
  },
});
