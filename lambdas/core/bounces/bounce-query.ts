import { ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { parseTimestamp } from '../timestamp.js';
import { isUuid, normaliseUuid } from '../uuid.js';
import { type BounceType, isBounceType } from './bounce.js';

export const MAX_PER_PAGE = 1000;
export const DEFAULT_PER_PAGE = 20;
const MAX_PARAM_LENGTH = 2048;

/** A bounce listing: filters (all optional, combined with AND), order and page. */
export interface BounceQuery {
  campaign_uuid?: string;
  source?: string;
  type?: BounceType;
  email?: string;
  from?: string;
  to?: string;
  order: 'asc' | 'desc';
  per_page: number;
  cursor?: string;
}

export type QueryParams = Record<string, readonly string[] | undefined>;

const FILTERS = ['campaign_uuid', 'source', 'type', 'email', 'from', 'to'] as const;

/** The one value of a single-valued parameter; repeated or oversized values are refused. */
export function singleParam(params: QueryParams, name: string): string | undefined {
  const values = params[name];
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw new ValidationError(name, 'must be given once');
  const value = values[0] as string;
  if (value.length > MAX_PARAM_LENGTH)
    throw new ValidationError(name, `is longer than ${MAX_PARAM_LENGTH} characters`);
  return value;
}

export function refuseUnknownParams(params: QueryParams, known: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) throw new ValidationError(name, 'is not a known parameter');
  }
}

function parsePerPage(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PER_PAGE;
  if (raw === 'all') {
    throw new ValidationError(
      'per_page',
      `"all" is not served; page with per_page <= ${MAX_PER_PAGE} and next_cursor`,
    );
  }
  if (!/^\d{1,7}$/.test(raw)) throw new ValidationError('per_page', 'must be a whole number');
  const n = Number(raw);
  if (n < 1 || n > MAX_PER_PAGE)
    throw new ValidationError('per_page', `must be between 1 and ${MAX_PER_PAGE}`);
  return n;
}

export type BounceFilters = Omit<BounceQuery, 'order' | 'per_page' | 'cursor'>;

export const FILTER_PARAMS = FILTERS;

/** Reads the list filters shared by listing, export and deletion. */
export function parseBounceFilters(params: QueryParams): BounceFilters {
  const out: BounceFilters = {};
  const campaign = singleParam(params, 'campaign_uuid');
  if (campaign !== undefined) {
    if (!isUuid(campaign)) throw new ValidationError('campaign_uuid', 'must be a UUID');
    out.campaign_uuid = normaliseUuid(campaign);
  }
  const source = singleParam(params, 'source');
  if (source !== undefined) {
    if (source === '' || source.length > 200)
      throw new ValidationError('source', 'must be 1 to 200 characters');
    out.source = source;
  }
  const type = singleParam(params, 'type');
  if (type !== undefined) {
    if (!isBounceType(type)) throw new ValidationError('type', 'must be hard, soft or complaint');
    out.type = type;
  }
  const email = singleParam(params, 'email');
  if (email !== undefined) out.email = normaliseEmail(email);
  const from = singleParam(params, 'from');
  if (from !== undefined) out.from = parseTimestamp(from, 'from');
  const to = singleParam(params, 'to');
  if (to !== undefined) out.to = parseTimestamp(to, 'to');
  if (out.from && out.to && out.from > out.to) throw new ValidationError('from', 'must not be after to');
  return out;
}

/** Parses `GET /api/bounces` parameters; `extra` names parameters the caller handles itself. */
export function parseBounceQuery(params: QueryParams, extra: readonly string[] = []): BounceQuery {
  refuseUnknownParams(params, [...FILTERS, 'order', 'per_page', 'cursor', ...extra]);
  const order = singleParam(params, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new ValidationError('order', 'must be asc or desc');
  const cursor = singleParam(params, 'cursor');
  return {
    ...parseBounceFilters(params),
    order,
    per_page: parsePerPage(singleParam(params, 'per_page')),
    ...(cursor ? { cursor } : {}),
  };
}

/** What a cursor is bound to: the same filters and order, whatever the page size. */
export function queryFingerprint(query: BounceQuery): string {
  return JSON.stringify([
    query.campaign_uuid,
    query.source,
    query.type,
    query.email,
    query.from,
    query.to,
    query.order,
  ]);
}
