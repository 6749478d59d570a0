import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { parseTimestamp } from '../timestamp.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import type { MappingRow } from './mapping-row.js';
import { asObject, compactMeta, type Json, parseJsonObject, text } from './payload-fields.js';
import {
  CAMPAIGN_HEADER,
  defineProvider,
  type ProviderOutcome,
  type ProviderRequest,
  SUBSCRIBER_HEADER,
} from './provider.js';
import { classifySesBounce } from './ses-mapping.js';

/** Svix's (and Standard Webhooks') tolerance, either side of now. */
const TOLERANCE_S = 5 * 60;
const MAX_DIAGNOSTIC = 1000;
const IGNORED: ProviderOutcome = { kind: 'events', bounces: [], ignored: 1, skipped: 0 };
const SKIPPED: ProviderOutcome = { kind: 'events', bounces: [], ignored: 0, skipped: 1 };

/** The table in README "Providers"; the tests run an example of each row through `handle`. */
export const resendMapping: readonly MappingRow[] = [
  {
    event: 'email.bounced, bounce.type Permanent, subType General, 5.1.1',
    type: 'hard',
    reason: 'user_unknown',
  },
  { event: 'email.bounced, bounce.type Permanent, subType General', type: 'hard', reason: 'unknown' },
  { event: 'email.bounced, bounce.type Permanent, subType NoEmail', type: 'hard', reason: 'user_unknown' },
  {
    event: 'email.bounced, bounce.type Permanent, subType Suppressed or OnAccountSuppressionList',
    type: 'hard',
    reason: 'on_suppression_list',
  },
  {
    event: 'email.bounced, bounce.type Transient, subType MailboxFull',
    type: 'soft',
    reason: 'mailbox_full',
  },
  {
    event: 'email.bounced, bounce.type Transient, subType MessageTooLarge',
    type: 'soft',
    reason: 'message_too_large',
  },
  {
    event: 'email.bounced, bounce.type Transient, subType ContentRejected or AttachmentRejected',
    type: 'soft',
    reason: 'content_rejected',
  },
  {
    event: 'email.bounced, bounce.type Transient (General) or Undetermined',
    type: 'soft',
    reason: 'unknown',
  },
  {
    event: 'email.bounced without a type, message "suppressed sending"',
    type: 'hard',
    reason: 'on_suppression_list',
  },
  {
    event: 'email.bounced without a type, message says the inbox was full',
    type: 'soft',
    reason: 'mailbox_full',
  },
  { event: 'email.bounced without a type, any other message', type: 'hard', reason: 'unknown' },
  { event: 'email.complained', type: 'complaint', reason: 'complaint' },
  { event: 'email.delivery_delayed (Resend retries)', type: 'ignored' },
  { event: 'email.sent, email.delivered, email.opened, email.clicked, email.failed, ...', type: 'ignored' },
];

let cachedWebhook: { secret: string; webhook: Webhook } | undefined;

/** The standard-webhooks signer for a `whsec_<base64>` secret (the part after the prefix is the key). */
function webhookFor(secret: string): Webhook {
  if (cachedWebhook?.secret === secret) return cachedWebhook.webhook;
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch {
    throw new UnauthenticatedError('resend.secret is not a signing secret (whsec_ followed by base64)');
  }
  cachedWebhook = { secret, webhook };
  return webhook;
}

/**
 * Svix: `v1,<base64 HMAC-SHA256>` entries (several while a secret rotates) over
 * `${svix-id}.${svix-timestamp}.${raw body}`. The library signs; the timestamp is checked against our
 * clock (the library's own check reads the system time), before any HMAC is computed.
 */
function verify(request: ProviderRequest, secret: string, now: Date): string {
  const h = request.headers;
  const id = h['svix-id'] ?? h['webhook-id'];
  const timestamp = h['svix-timestamp'] ?? h['webhook-timestamp'];
  const signatures = h['svix-signature'] ?? h['webhook-signature'];
  if (!id || !timestamp || !signatures)
    throw new UnauthenticatedError('the svix-id, svix-timestamp and svix-signature headers are required');
  if (!/^\d{1,12}$/.test(timestamp.trim())) throw new UnauthenticatedError('svix-timestamp is not a number');
  const signedAt = Number(timestamp.trim());
  if (Math.abs(now.getTime() / 1000 - signedAt) > TOLERANCE_S)
    throw new UnauthenticatedError('svix-timestamp is outside the 5-minute tolerance');
  const expected = Buffer.from(
    webhookFor(secret)
      .sign(id, new Date(signedAt * 1000), request.rawBody)
      .slice('v1,'.length),
  );
  let matched = false;
  for (const entry of signatures.trim().split(/\s+/)) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value);
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new UnauthenticatedError('invalid signature');
  return id;
}

function classifyBounce(bounce: Json): { type: BounceType; reason: Reason } {
  const message = text(bounce.message) ?? '';
  const bounceType = text(bounce.type);
  const status = enhancedStatus(message);
  if (bounceType) return classifySesBounce(bounceType, text(bounce.subType) ?? '', status);
  // Older payloads carry only Resend's own sentence, not the receiver's answer: its words about
  // the sender's reputation say nothing of this bounce, so only the sentences that name a cause, and
  // an enhanced status if one is quoted, decide.
  if (/suppressed sending/i.test(message)) return { type: 'hard', reason: 'on_suppression_list' };
  const reason = /inbox was full|mailbox was full/i.test(message)
    ? 'mailbox_full'
    : status
      ? reasonFromStatus(status)
      : 'unknown';
  // "Permanently rejected" (Resend's words): hard unless a cause that is not the address is named.
  return { type: reason === 'unknown' || isHardReason(reason) ? 'hard' : 'soft', reason };
}

/** `tags` as Resend sends them (an object) or as a list of {name, value}; `headers` as {name, value}. */
function lookup(list: unknown, name: string): unknown {
  const object = asObject(list);
  if (object) return object[name];
  if (!Array.isArray(list)) return undefined;
  const found = list.map(asObject).find((entry) => text(entry?.name)?.toLowerCase() === name);
  return found?.value;
}

function when(value: unknown): string | undefined {
  try {
    return value === undefined ? undefined : parseTimestamp(value, 'created_at');
  } catch {
    return undefined;
  }
}

function toBounce(body: Json, data: Json, email: string, svixId: string): BounceInput {
  const bounce =
    text(body.type)?.toLowerCase() === 'email.bounced' ? (asObject(data.bounce) ?? {}) : undefined;
  const mapped: { type: BounceType; reason: Reason } = bounce
    ? classifyBounce(bounce)
    : { type: 'complaint', reason: 'complaint' };
  const diagnostic = text(bounce?.message)?.slice(0, MAX_DIAGNOSTIC);
  const status = enhancedStatus(diagnostic);
  const campaign = lookup(data.tags, 'stmails_campaign') ?? lookup(data.headers, CAMPAIGN_HEADER);
  const subscriber = lookup(data.tags, 'stmails_subscriber') ?? lookup(data.headers, SUBSCRIBER_HEADER);
  const meta = compactMeta({
    email_id: data.email_id,
    broadcast_id: data.broadcast_id,
    bounce_type: bounce?.type,
    bounce_subtype: bounce?.subType,
    svix_id: svixId,
  });
  const out: BounceInput = {
    email,
    ...mapped,
    source: 'resend',
    ...correlate(campaign, subscriber, meta),
    resolve_by: 'email',
    // Svix sends every retry of one event with the same id.
    event_key: `resend:${svixId}`,
  };
  return withDetails(out, { status, diagnostic, createdAt: when(body.created_at) ?? when(data.created_at) });
}

/** The one recipient of the email; undefined when there are several (Resend does not say which). */
function recipient(data: Json): string | undefined {
  const to = Array.isArray(data.to) ? data.to : typeof data.to === 'string' ? [data.to] : [];
  if (to.length !== 1 || typeof to[0] !== 'string') return undefined;
  const angle = /<([^<>]*)>\s*$/.exec(to[0]);
  try {
    return normaliseEmail(angle?.[1] ?? to[0], 'data.to');
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * Resend's webhooks, signed by Svix (5-minute tolerance). `email.bounced` carries SES's bounce type
 * and subtype (Resend sends through SES) and is mapped as SES's; `email.complained` is a complaint;
 * a delay is a deferral Resend retries (DESIGN §9).
 */
export const resendProvider = defineProvider({
  name: 'resend',
  title: 'Resend',
  verification:
    'Svix: `svix-signature` `v1,` base64 HMAC-SHA256 of `svix-id`.`svix-timestamp`.body with the `whsec_` secret; 5-minute tolerance.',
  settings: [
    { key: 'secret', kind: 'secret', trim: true, description: 'Resend webhook signing secret (whsec_...)' },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config, deps): Promise<ProviderOutcome> {
    // Blank after trimming is no secret (DESIGN §9).
    if (!config.secret.trim()) throw new UnauthenticatedError('resend.secret is not configured');
    const svixId = verify(request, config.secret.trim(), deps.clock.now());
    const body = parseJsonObject(request.rawBody, 'a Resend webhook event');
    const type = text(body.type)?.toLowerCase();
    if (type !== 'email.bounced' && type !== 'email.complained') return IGNORED;
    const data = asObject(body.data);
    if (!data) throw new ValidationError('data', 'is required (an object)');
    const email = recipient(data);
    if (!email) return SKIPPED;
    return { kind: 'events', bounces: [toBounce(body, data, email, svixId)], ignored: 0, skipped: 0 };
  },
});
