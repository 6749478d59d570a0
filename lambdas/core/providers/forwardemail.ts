import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../access/authenticate.js';
import type { BounceInput } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus, typeForReason } from '../bounces/classify.js';
import type { Reason } from '../bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { parseTimestamp } from '../timestamp.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import { parseJsonText } from './payload-fields.js';
import { CAMPAIGN_HEADER, defineProvider, type ProviderOutcome, SUBSCRIBER_HEADER } from './provider.js';

type Json = Record<string, unknown>;

const SIGNATURE_HEADER = 'x-webhook-signature';
const MAX_DIAGNOSTIC = 1000;

/**
 * zone-mta's categories (plus Forward Email's). Only `recipient` says the address is dead: a block,
 * spam or policy rejection is about the sender or the message, whatever its 5xx code, so it must not
 * blocklist a subscriber (Forward Email's FAQ and listmonk say hard; DESIGN §6 says otherwise).
 */
const CATEGORIES: ReadonlyMap<string, Reason> = new Map([
  ['recipient', 'user_unknown'],
  ['capacity', 'mailbox_full'],
  ['block', 'blocked'],
  ['blocklist', 'blocked'],
  ['spam', 'spam_detected'],
  ['virus', 'virus'],
  ['policy', 'policy'],
  ['dmarc', 'policy'],
  ['auth', 'policy'],
  ['rate', 'rate_limited'],
  ['network', 'network'],
  ['greylist', 'network'],
]);

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function verifySignature(rawBody: Buffer, key: string, header: string | undefined): void {
  // Blank after trimming is no secret: an HMAC under a known key proves nothing (DESIGN §9).
  if (!key.trim()) throw new UnauthenticatedError('forwardemail.key is not configured');
  if (!header?.trim()) throw new UnauthenticatedError('the X-Webhook-Signature header is missing');
  // The key is the hex string Forward Email shows, used as text, not decoded to bytes.
  const expected = createHmac('sha256', key).update(rawBody).digest('hex');
  if (!constantTimeEqual(expected, header.trim().toLowerCase()))
    throw new UnauthenticatedError('invalid signature');
}

function parseBody(rawBody: Buffer): Json {
  const body = parseJsonText(rawBody.toString('utf8'));
  const record = object(body);
  if (!record) throw new ValidationError('body', 'must be one JSON object (a Forward Email bounce)');
  return record;
}

/** The outbound message's header, by name in any case; `headers` is an object or a list of {key, value}. */
function header(headers: unknown, name: string): string | undefined {
  const entries: [unknown, unknown][] = Array.isArray(headers)
    ? headers.map((h) => [object(h)?.key ?? object(h)?.name, object(h)?.value])
    : Object.entries(object(headers) ?? {});
  const found = entries.find(([key]) => typeof key === 'string' && key.trim().toLowerCase() === name);
  const value = Array.isArray(found?.[1]) ? found[1][0] : found?.[1];
  return typeof value === 'string' ? value : undefined;
}

function classify(body: Json, bounce: Json): Reason {
  const named = CATEGORIES.get(str(bounce.category)?.toLowerCase() ?? '');
  if (named) return named;
  const text = [str(body.response), str(body.message), str(bounce.message)].filter(Boolean).join(' | ');
  const code =
    enhancedStatus(str(bounce.status)) ??
    enhancedStatus(text) ??
    str(body.response_code) ??
    str(bounce.code) ??
    text;
  return reasonFromStatus(code, text);
}

function when(value: unknown): string | undefined {
  try {
    return value === undefined ? undefined : parseTimestamp(value, 'bounced_at');
  } catch {
    return undefined;
  }
}

function toBounce(body: Json, bounce: Json): BounceInput {
  const email = normaliseEmail(typeof body.recipient === 'string' ? body.recipient : '', 'recipient');
  const reason = classify(body, bounce);
  const diagnostic = (str(body.response) ?? str(body.message) ?? str(bounce.message))?.slice(
    0,
    MAX_DIAGNOSTIC,
  );
  const status = enhancedStatus(str(bounce.status)) ?? enhancedStatus(diagnostic);
  const meta: Json = {};
  for (const [key, value] of [
    ['email_id', body.email_id],
    ['category', bounce.category],
    ['response_code', body.response_code],
    ['truth_source', body.truth_source],
  ] as const) {
    const kept = typeof value === 'number' && Number.isFinite(value) ? value : str(value)?.slice(0, 200);
    if (kept !== undefined) meta[key] = kept;
  }
  const out: BounceInput = {
    email,
    type: typeForReason(reason),
    reason,
    source: 'forwardemail',
    ...correlate(header(body.headers, CAMPAIGN_HEADER), header(body.headers, SUBSCRIBER_HEADER), meta),
    resolve_by: 'email',
    event_key: `forwardemail:${str(body.email_id) ?? ''}:${email}:${str(body.bounced_at) ?? ''}`,
  };
  return withDetails(out, { status, diagnostic, createdAt: when(body.bounced_at) });
}

/**
 * Forward Email's bounce webhook (DESIGN §6), signed with HMAC-SHA256 over the raw body. It is sent
 * for every attempt; only a final `reject` is a bounce, a `defer` is a deferral (DESIGN §9).
 */
export const forwardemailProvider = defineProvider({
  name: 'forwardemail',
  title: 'Forward Email',
  verification: 'hex HMAC-SHA256 of the raw body in `X-Webhook-Signature`.',
  settings: [
    {
      key: 'key',
      kind: 'secret',
      maxLength: 1000,
      description: 'Webhook signature verification key (HMAC-SHA256)',
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    verifySignature(request.rawBody, config.key, request.headers[SIGNATURE_HEADER]);
    const body = parseBody(request.rawBody);
    const bounce = object(body.bounce);
    if (!bounce || str(bounce.action)?.toLowerCase() !== 'reject') {
      return { kind: 'events', bounces: [], ignored: 1, skipped: 0 };
    }
    return { kind: 'events', bounces: [toBounce(body, bounce)], ignored: 0, skipped: 0 };
  },
});
