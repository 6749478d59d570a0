import { type BounceQuery, queryFingerprint } from '../../core/bounce-query.js';
import { ValidationError } from '../../core/errors.js';

/**
 * The position after the last bounce of a page (`created_at#id`, the listing's sort key) bound to the
 * query's filters and order. Not checksummed: nothing here is reachable by a caller across a trust
 * boundary, and a forged position can only skip within the same query.
 */
export function encodeCursor(query: BounceQuery, after: string): string {
  return Buffer.from(JSON.stringify({ q: queryFingerprint(query), a: after })).toString('base64url');
}

export function decodeCursor(query: BounceQuery, cursor: string): string {
  let parsed: { q?: unknown; a?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('cursor', 'is not a cursor this listing returned');
  }
  if (typeof parsed?.q !== 'string' || typeof parsed.a !== 'string') {
    throw new ValidationError('cursor', 'is not a cursor this listing returned');
  }
  if (parsed.q !== queryFingerprint(query)) {
    throw new ValidationError('cursor', 'belongs to other filters or order; start again without it');
  }
  return parsed.a;
}
