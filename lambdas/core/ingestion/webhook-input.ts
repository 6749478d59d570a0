import { type BounceInput, isBounceType } from '../bounces/bounce.js';
import { isReason } from '../bounces/reasons.js';
import { ValidationError } from '../errors.js';
import { assertJsonDepth } from '../json-depth.js';
import { normaliseEmail } from '../subscribers/email.js';
import { parseTimestamp } from '../timestamp.js';
import { isUuid, normaliseUuid } from '../uuid.js';

const MAX_SOURCE = 200;
const MAX_EVENT_ID = 256;
/** Well under DynamoDB's 400 KB item limit, with room for the bounce's own fields. */
export const MAX_META_BYTES = 64 * 1024;
const ENHANCED_STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;
/** Clocks drift; a bounce dated a little ahead is the sender's skew, far ahead is a mistake. */
const FUTURE_SKEW_MS = 5 * 60_000;

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  return value;
}

function parseMeta(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let meta = value;
  if (typeof value === 'string') {
    try {
      meta = JSON.parse(value);
    } catch (cause) {
      throw new ValidationError('meta', `is a string but not valid JSON (${(cause as Error).message})`, {
        cause,
      });
    }
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new ValidationError('meta', 'must be a JSON object, or a string holding one');
  }
  assertJsonDepth(meta, 'meta');
  if (Buffer.byteLength(JSON.stringify(meta)) > MAX_META_BYTES) {
    throw new ValidationError('meta', `is larger than ${MAX_META_BYTES} bytes`);
  }
  return meta as Record<string, unknown>;
}

function eventKey(
  source: string,
  eventId: string | undefined,
  header: string | undefined,
): string | undefined {
  if (eventId !== undefined && header !== undefined && eventId !== header) {
    throw new ValidationError(
      'event_id',
      'and the Idempotency-Key header differ; send one, or the same value',
    );
  }
  const id = eventId ?? header;
  if (id === undefined) return undefined;
  if (id.length > MAX_EVENT_ID)
    throw new ValidationError('event_id', `is longer than ${MAX_EVENT_ID} characters`);
  return `webhook:${source}:${id}`;
}

/**
 * Validates a generic webhook body (DESIGN §4) into a bounce. `type` is taken as given; the reason is
 * `meta.reason` when it names one of the closed list, else `unknown`.
 */
export function parseWebhookBounce(
  body: unknown,
  idempotencyKey: string | undefined,
  now: Date,
): BounceInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const rawEmail = optionalString(fields, 'email');
  const rawUuid = optionalString(fields, 'subscriber_uuid');
  if (rawEmail === undefined && rawUuid === undefined) {
    throw new ValidationError('email', 'or subscriber_uuid is required');
  }
  if (rawUuid !== undefined && !isUuid(rawUuid))
    throw new ValidationError('subscriber_uuid', 'must be a UUID');
  const rawCampaign = optionalString(fields, 'campaign_uuid');
  if (rawCampaign !== undefined && !isUuid(rawCampaign))
    throw new ValidationError('campaign_uuid', 'must be a UUID');

  const source = optionalString(fields, 'source');
  if (source === undefined) throw new ValidationError('source', 'is required');
  if (source.length > MAX_SOURCE)
    throw new ValidationError('source', `is longer than ${MAX_SOURCE} characters`);
  if (!isBounceType(fields.type)) throw new ValidationError('type', 'must be hard, soft or complaint');

  const meta = parseMeta(fields.meta);
  let createdAt: string | undefined;
  if (fields.created_at !== undefined && fields.created_at !== null && fields.created_at !== '') {
    createdAt = parseTimestamp(fields.created_at, 'created_at');
    if (Date.parse(createdAt) > now.getTime() + FUTURE_SKEW_MS) {
      throw new ValidationError('created_at', 'is in the future');
    }
  }
  const status =
    typeof meta.status === 'string' && ENHANCED_STATUS.test(meta.status) ? meta.status : undefined;
  const diagnostic = typeof meta.diagnostic === 'string' ? meta.diagnostic.slice(0, 1000) : undefined;
  const key = eventKey(source, optionalString(fields, 'event_id'), idempotencyKey);

  return {
    ...(rawEmail !== undefined ? { email: normaliseEmail(rawEmail) } : {}),
    ...(rawUuid !== undefined ? { subscriber_uuid: normaliseUuid(rawUuid) } : {}),
    ...(rawCampaign !== undefined ? { campaign_uuid: normaliseUuid(rawCampaign) } : {}),
    type: fields.type,
    reason: fields.type === 'complaint' ? 'complaint' : isReason(meta.reason) ? meta.reason : 'unknown',
    ...(status ? { status } : {}),
    ...(diagnostic ? { diagnostic } : {}),
    source,
    meta,
    ...(createdAt ? { created_at: createdAt } : {}),
    ...(key ? { event_key: key } : {}),
  };
}
