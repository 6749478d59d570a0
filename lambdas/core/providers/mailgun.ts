import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../access/authenticate.js';
import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import type { MappingRow } from './mapping-row.js';
import { asObject, compactMeta, epochSeconds, type Json, parseJsonObject, text } from './payload-fields.js';
import { defineProvider, type ProviderOutcome } from './provider.js';

const MAX_DIAGNOSTIC = 1000;
const IGNORED: ProviderOutcome = { kind: 'events', bounces: [], ignored: 1, skipped: 0 };

/**
 * Mailgun's own `reason` of a permanent failure, where it names the cause better than the SMTP
 * answer: an address Mailgun already suppresses, and Mailgun's block of the sender (never the
 * recipient's fault, so soft). `suppress-unsubscribe` is not a bounce.
 */
type Mapped = { type: BounceType; reason: Reason } | 'ignored';
const REASONS: ReadonlyMap<string, Mapped> = new Map<string, Mapped>([
  ['suppress-bounce', { type: 'hard', reason: 'on_suppression_list' }],
  ['suppress-complaint', { type: 'complaint', reason: 'complaint' }],
  ['suppress-unsubscribe', 'ignored'],
  ['espblock', { type: 'soft', reason: 'blocked' }],
  ['old', { type: 'soft', reason: 'expired' }],
]);

/** The table in README "Providers"; the tests run an example of each row through `handle`. */
export const mailgunMapping: readonly MappingRow[] = [
  {
    event: 'failed, severity permanent, reason suppress-bounce',
    type: 'hard',
    reason: 'on_suppression_list',
  },
  { event: 'failed, severity permanent, reason suppress-complaint', type: 'complaint', reason: 'complaint' },
  { event: 'failed, severity permanent, reason suppress-unsubscribe', type: 'ignored' },
  { event: 'failed, severity permanent, reason espblock', type: 'soft', reason: 'blocked' },
  { event: 'failed, severity permanent, reason old', type: 'soft', reason: 'expired' },
  {
    event: 'failed, severity permanent, delivery-status 550 5.1.1 (any other reason)',
    type: 'hard',
    reason: 'user_unknown',
  },
  {
    event: 'failed, severity permanent, delivery-status 552 mailbox full',
    type: 'soft',
    reason: 'mailbox_full',
  },
  { event: 'failed, severity permanent, delivery-status 554 5.7.1 blocked', type: 'soft', reason: 'blocked' },
  { event: 'failed, severity permanent, delivery-status unclassified', type: 'hard', reason: 'unknown' },
  { event: 'failed, severity temporary (Mailgun retries)', type: 'ignored' },
  { event: 'complained', type: 'complaint', reason: 'complaint' },
  { event: 'delivered, opened, clicked, unsubscribed, accepted, rejected, stored, ...', type: 'ignored' },
];

function hmacHex(key: string, signed: string): string {
  return createHmac('sha256', key).update(signed, 'utf8').digest('hex');
}

/**
 * hex(HMAC-SHA256(signing key, timestamp + token)), sent in the body's `signature` object; a
 * sub-account's event also carries `parent-signature` under the primary account's key, so either
 * one made with the configured key admits it. The body itself is not signed: the token is what the
 * recording claims, so a token is good for one event only.
 */
function verify(body: Json, key: string): { token: string } {
  const signature = asObject(body.signature);
  const token = typeof signature?.token === 'string' ? signature.token : '';
  const timestamp =
    typeof signature?.timestamp === 'string' ? signature.timestamp : String(signature?.timestamp ?? '');
  if (!signature || !token || !/^\d{1,12}$/.test(timestamp))
    throw new UnauthenticatedError('the signature object (timestamp, token, signature) is missing');
  const expected = hmacHex(key, timestamp + token);
  const given = [signature.signature, signature['parent-signature']].filter(
    (s): s is string => typeof s === 'string',
  );
  // Every candidate is compared, so the timing does not tell which one was close.
  const matched = given.map((s) => constantTimeEqual(expected, s.trim().toLowerCase())).includes(true);
  if (!matched) throw new UnauthenticatedError('invalid signature');
  return { token };
}

function classify(event: Json): { type: BounceType; reason: Reason } | 'ignored' {
  const named = REASONS.get(text(event.reason)?.toLowerCase() ?? '');
  if (named) return named;
  const status = asObject(event['delivery-status']) ?? {};
  const diagnostic = [text(status.message), text(status.description)].filter(Boolean).join(' | ');
  const code =
    enhancedStatus(text(status['enhanced-code'])) ??
    enhancedStatus(text(status['bounce-code'])) ??
    enhancedStatus(diagnostic) ??
    text(status.code);
  const reason = reasonFromStatus(code, diagnostic);
  // Mailgun calls it permanent and suppresses the address: without a reason saying otherwise, hard.
  const type: BounceType = reason === 'unknown' || isHardReason(reason) ? 'hard' : 'soft';
  return { type, reason };
}

function toBounce(
  event: Json,
  mapped: { type: BounceType; reason: Reason },
  token: string,
  eventId: string,
): BounceInput {
  const email = normaliseEmail(
    typeof event.recipient === 'string' ? event.recipient : '',
    'event-data.recipient',
  );
  const status = asObject(event['delivery-status']) ?? {};
  const message = asObject(event.message);
  const diagnostic = (text(status.message) ?? text(status.description))?.slice(0, MAX_DIAGNOSTIC);
  const enhanced =
    enhancedStatus(text(status['enhanced-code'])) ??
    enhancedStatus(text(status['bounce-code'])) ??
    enhancedStatus(diagnostic);
  const variables = asObject(event['user-variables']) ?? {};
  const meta = compactMeta({
    event_id: eventId,
    message_id: asObject(message?.headers)?.['message-id'],
    mailgun_reason: event.reason,
    code: status.code,
    delayed_bounce: asObject(event.flags)?.['is-delayed-bounce'],
  });
  const out: BounceInput = {
    email,
    ...mapped,
    source: 'mailgun',
    ...correlate(variables.stmails_campaign, variables.stmails_subscriber, meta),
    resolve_by: 'email',
    // The token is the key: Mailgun sends a fresh one with every event and the signature covers only
    // it, so it is claimed together with the event it came with (the fingerprint).
    event_key: `mailgun:${token}`,
    event_fingerprint: eventId,
  };
  return withDetails(out, { status: enhanced, diagnostic, createdAt: epochSeconds(event.timestamp) });
}

/**
 * Mailgun's webhooks (JSON, one event per request). A permanent failure is a bounce classified by
 * Mailgun's reason, then the SMTP answer; a temporary one is a deferral Mailgun retries itself, so
 * nothing is recorded (DESIGN §9).
 */
export const mailgunProvider = defineProvider({
  name: 'mailgun',
  title: 'Mailgun',
  verification:
    'hex HMAC-SHA256 of `signature.timestamp` + `signature.token` in the body (or `parent-signature`); the token is claimed with `event-data.id`, so a used token with another event is a 401.',
  settings: [
    { key: 'signing_key', kind: 'secret', trim: true, description: 'Mailgun HTTP webhook signing key' },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    // Blank after trimming is no secret: an HMAC under a known key proves nothing (DESIGN §9).
    if (!config.signing_key.trim()) throw new UnauthenticatedError('mailgun.signing_key is not configured');
    const body = parseJsonObject(request.rawBody, 'a Mailgun webhook with signature and event-data');
    const { token } = verify(body, config.signing_key.trim());
    const event = asObject(body['event-data']);
    if (!event) throw new ValidationError('event-data', 'is required (an object)');
    const name = text(event.event)?.toLowerCase();
    let mapped: { type: BounceType; reason: Reason } | 'ignored' = 'ignored';
    if (name === 'complained') mapped = { type: 'complaint', reason: 'complaint' };
    else if (name === 'failed' && text(event.severity)?.toLowerCase() === 'permanent')
      mapped = classify(event);
    if (mapped === 'ignored') return IGNORED;
    const eventId = text(event.id);
    if (!eventId) throw new ValidationError('event-data.id', 'is required');
    return { kind: 'events', bounces: [toBounce(event, mapped, token, eventId)], ignored: 0, skipped: 0 };
  },
});
