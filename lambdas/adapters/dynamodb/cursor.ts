import { createHash } from 'node:crypto';
import { type BounceQuery, queryFingerprint } from '../../core/bounce-query.js';
import { ValidationError } from '../../core/errors.js';

type Key = Record<string, string>;

const KEY_VALUE = /^[\x20-\x7e]{1,1100}$/;

function checksum(payload: string): string {
  return createHash('sha256').update(payload).digest('base64url').slice(0, 16);
}

/**
 * A cursor is the DynamoDB LastEvaluatedKey plus the query it belongs to, checksummed. It is opaque
 * to callers; a cursor that was altered or that belongs to other filters is refused with a 400, and
 * its key must lie in the partition the current query reads, so it can only skip within that query.
 */
export function encodeCursor(query: BounceQuery, key: Key): string {
  const payload = JSON.stringify({ q: queryFingerprint(query), k: key });
  return Buffer.from(JSON.stringify({ p: payload, c: checksum(payload) })).toString('base64url');
}

export function decodeCursor(
  query: BounceQuery,
  cursor: string,
  expectedKeys: Record<string, string | null>,
): Key {
  const invalid = () => new ValidationError('cursor', 'is not a cursor this listing returned');
  let payload: string;
  let parsed: { q?: unknown; k?: unknown };
  try {
    const outer = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof outer?.p !== 'string' || outer.c !== checksum(outer.p)) throw invalid();
    payload = outer.p;
    parsed = JSON.parse(payload);
  } catch {
    throw invalid();
  }
  if (parsed.q !== queryFingerprint(query)) {
    throw new ValidationError('cursor', 'belongs to other filters or order; start again without it');
  }
  const key = parsed.k;
  if (typeof key !== 'object' || key === null) throw invalid();
  const entries = Object.entries(key);
  if (entries.length !== Object.keys(expectedKeys).length) throw invalid();
  for (const [name, value] of entries) {
    if (!(name in expectedKeys) || typeof value !== 'string' || !KEY_VALUE.test(value)) throw invalid();
    const fixed = expectedKeys[name];
    if (fixed !== null && fixed !== value) throw invalid();
  }
  return key as Key;
}
