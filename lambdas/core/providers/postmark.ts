import { constantTimeEqual, parseAuthorization } from '../access/authenticate.js';
import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus } from '../bounces/classify.js';
import type { Reason } from '../bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { parseTimestamp } from '../timestamp.js';
import { correlate } from './correlation.js';
import { parseJsonText } from './payload-fields.js';
import { defineProvider, type ProviderOutcome, type ProviderRequest } from './provider.js';
import { topLevelInteger } from './top-level-integer.js';

type Json = Record<string, unknown>;
type Mapping = { type: BounceType; reason: Reason };

const MAX_DIAGNOSTIC = 1000;

/** Postmark's bounce `Type` (DESIGN §6), keyed in lower case. Absent types are informational: ignored. */
const TYPES: ReadonlyMap<string, Mapping> = new Map([
  ['hardbounce', { type: 'hard', reason: 'user_unknown' }],
  ['bademailaddress', { type: 'hard', reason: 'user_unknown' }],
  ['manuallydeactivated', { type: 'hard', reason: 'on_suppression_list' }],
  ['spamcomplaint', { type: 'complaint', reason: 'complaint' }],
  ['softbounce', { type: 'soft', reason: 'mailbox_full' }],
  ['transient', { type: 'soft', reason: 'unknown' }],
  ['dnserror', { type: 'soft', reason: 'network' }],
  ['blocked', { type: 'soft', reason: 'blocked' }],
  ['spamnotification', { type: 'soft', reason: 'spam_detected' }],
  ['dmarcpolicy', { type: 'soft', reason: 'policy' }],
]);

/** A Broadcast stream reports bounces as suppressions; other reasons (manual, unsuppress) are not. */
const SUPPRESSIONS: ReadonlyMap<string, Mapping> = new Map([
  ['hardbounce', { type: 'hard', reason: 'on_suppression_list' }],
  ['spamcomplaint', { type: 'complaint', reason: 'complaint' }],
]);

function verifyCredentials(request: ProviderRequest, config: { username: string; password: string }): void {
  const { username, password } = config;
  // Blank after trimming is no secret: such settings must never admit a request (DESIGN §9).
  if (!username.trim() || !password.trim())
    throw new UnauthenticatedError('postmark.username and password are not configured');
  const given = parseAuthorization(request.headers.authorization);
  // Both compared, always: which half was wrong must not show in the timing.
  const userOk = constantTimeEqual(given.user, username);
  const passwordOk = constantTimeEqual(given.token, password);
  if (!userOk || !passwordOk) throw new UnauthenticatedError('invalid webhook credentials');
}

/**
 * Parsed first, so a malformed body costs one linear pass. `ID` is an int64 (the docs' example is
 * 4323372036854775807) that JSON.parse rounds, so its digits are then read from the text as written
 * and kept as a string.
 */
export function parsePostmarkBody(rawBody: Buffer): Json {
  const text = rawBody.toString('utf8');
  const body = parseJsonText(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'must be one JSON object (a Postmark webhook record)');
  }
  const record = body as Json;
  if (typeof record.ID === 'number') {
    const digits = topLevelInteger(text, 'ID');
    if (digits !== undefined) record.ID = digits;
  }
  return record;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** A malformed date loses only the date: the bounce is still recorded, at the clock's now. */
function when(value: unknown, field: string): string | undefined {
  try {
    return value === undefined ? undefined : parseTimestamp(value, field);
  } catch {
    return undefined;
  }
}

function compactMeta(record: Json, keys: readonly string[]): Json {
  const meta: Json = {};
  for (const key of keys) {
    const value = record[key];
    const kept = typeof value === 'number' && Number.isFinite(value) ? value : str(value)?.slice(0, 200);
    if (kept !== undefined) meta[key] = kept;
  }
  return meta;
}

function metadata(record: Json): Json {
  const m = record.Metadata;
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Json) : {};
}

/** What a bounce and a suppression share; they differ in where the address, time and key come from. */
function toBounce(
  record: Json,
  mapping: Mapping,
  email: string,
  at: { value: unknown; field: string },
  eventKey: string,
  meta: Json,
): BounceInput {
  const m = metadata(record);
  const out: BounceInput = {
    email,
    ...mapping,
    source: 'postmark',
    ...correlate(m.stmails_campaign, m.stmails_subscriber, meta),
    resolve_by: 'email',
    event_key: eventKey,
  };
  const createdAt = when(at.value, at.field);
  if (createdAt) out.created_at = createdAt;
  return out;
}

function bounce(record: Json, recordType: string, mapping: Mapping): BounceInput {
  const email = normaliseEmail(typeof record.Email === 'string' ? record.Email : '', 'Email');
  const key = `postmark:${recordType}:${str(record.MessageID) ?? ''}:${email}:${str(record.BouncedAt) ?? ''}`;
  const meta = compactMeta({ ...record, RecordType: recordType }, [
    'RecordType',
    'ID',
    'Type',
    'TypeCode',
    'MessageID',
    'MessageStream',
    'ServerID',
    'Tag',
  ]);
  const out = toBounce(record, mapping, email, { value: record.BouncedAt, field: 'BouncedAt' }, key, meta);
  const details = str(record.Details)?.slice(0, MAX_DIAGNOSTIC);
  const status = enhancedStatus(details) ?? enhancedStatus(str(record.Description));
  if (status) out.status = status;
  if (details) out.diagnostic = details;
  return out;
}

function suppression(record: Json, mapping: Mapping): BounceInput {
  const email = normaliseEmail(typeof record.Recipient === 'string' ? record.Recipient : '', 'Recipient');
  const key = `postmark:SubscriptionChange:${email}:${str(record.ChangedAt) ?? ''}`;
  const meta = compactMeta({ ...record, RecordType: 'SubscriptionChange' }, [
    'RecordType',
    'MessageID',
    'MessageStream',
    'ServerID',
    'Origin',
    'SuppressionReason',
    'Tag',
  ]);
  return toBounce(record, mapping, email, { value: record.ChangedAt, field: 'ChangedAt' }, key, meta);
}

function ignored(): ProviderOutcome {
  return { kind: 'events', bounces: [], ignored: 1, skipped: 0 };
}

function one(bounce: BounceInput): ProviderOutcome {
  return { kind: 'events', bounces: [bounce], ignored: 0, skipped: 0 };
}

/**
 * Postmark's bounce, spam complaint and subscription change webhooks (DESIGN §6), authenticated by
 * the basic-auth credentials put in the webhook URL. Records that are not bounces, and bounce types
 * that are informational (AutoResponder, OpenRelayTest, ...) or new to us, are acknowledged and
 * ignored, never answered with a 4xx (listmonk's 400 for them is one of its bugs).
 */
export const postmarkProvider = defineProvider({
  name: 'postmark',
  title: 'Postmark',
  verification: 'HTTP basic credentials configured in `postmark.username` / `postmark.password`.',
  settings: [
    {
      key: 'username',
      kind: 'text',
      maxLength: 200,
      description: 'Basic-auth user name put in the webhook URL',
    },
    {
      key: 'password',
      kind: 'secret',
      maxLength: 1000,
      description: 'Basic-auth password put in the webhook URL',
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    verifyCredentials(request, config);
    const record = parsePostmarkBody(request.rawBody);
    // The Bounces API shape has no RecordType; its records are bounces.
    const recordType = str(record.RecordType) ?? (str(record.Type) ? 'Bounce' : '');
    if (recordType === 'Bounce' || recordType === 'SpamComplaint') {
      // A complaint record names its type too; without one, the record type says it all.
      const type = str(record.Type) ?? (recordType === 'SpamComplaint' ? 'SpamComplaint' : '');
      const mapping = TYPES.get(type.toLowerCase());
      return mapping ? one(bounce(record, recordType, mapping)) : ignored();
    }
    if (recordType === 'SubscriptionChange' && record.SuppressSending === true) {
      const mapping = SUPPRESSIONS.get(str(record.SuppressionReason)?.toLowerCase() ?? '');
      return mapping ? one(suppression(record, mapping)) : ignored();
    }
    return ignored();
  },
});
