import { type BounceQuery, queryFingerprint } from '../../core/bounces/bounce-query.js';
import { ValidationError } from '../../core/errors.js';
import type { CursorSigner } from '../cursor-signer.js';
import { LIST_INDEXES } from './table.js';

type Key = Record<string, string>;

/** DynamoDB's limits on key values, in UTF-8 bytes; a start key beyond them fails the whole Query. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;
const SORT_KEYS = new Set<string>(['sk', ...LIST_INDEXES.map((index) => index.sk)]);

function invalid(): ValidationError {
  return new ValidationError('cursor', 'is not a cursor this listing returned');
}

/**
 * A cursor is the DynamoDB LastEvaluatedKey plus the query it belongs to, sealed with the service's
 * HMAC key. It is opaque to callers; a cursor that was altered, made up or belongs to other filters
 * is refused with a 400, and its key must lie in the partition the current query reads and within
 * DynamoDB's key limits, so a start key never fails the Query itself.
 */
export function encodeCursor(signer: CursorSigner, query: BounceQuery, key: Key): Promise<string> {
  return signer.seal({ q: queryFingerprint(query), k: key });
}

export async function decodeCursor(
  signer: CursorSigner,
  query: BounceQuery,
  cursor: string,
  expectedKeys: Record<string, string | null>,
): Promise<Key> {
  const parsed = (await signer.open(cursor)) as { q?: unknown; k?: unknown } | null;
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  if (parsed.q !== queryFingerprint(query)) {
    throw new ValidationError('cursor', 'belongs to other filters or order; start again without it');
  }
  const key = parsed.k;
  if (typeof key !== 'object' || key === null) throw invalid();
  const entries = Object.entries(key);
  if (entries.length !== Object.keys(expectedKeys).length) throw invalid();
  for (const [name, value] of entries) {
    if (!(name in expectedKeys) || typeof value !== 'string' || value === '') throw invalid();
    const limit = SORT_KEYS.has(name) ? MAX_SORT_KEY_BYTES : MAX_PARTITION_KEY_BYTES;
    if (Buffer.byteLength(value) > limit) throw invalid();
    const fixed = expectedKeys[name];
    if (fixed !== null && fixed !== value) throw invalid();
  }
  return key as Key;
}
