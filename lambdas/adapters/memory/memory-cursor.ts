import { type BounceQuery, queryFingerprint } from '../../core/bounces/bounce-query.js';
import { ValidationError } from '../../core/errors.js';
import type { CursorSigner } from '../cursor-signer.js';

/**
 * The position after the last bounce of a page (`created_at#id`, the listing's sort key) bound to the
 * query's filters and order, sealed like the DynamoDB store's cursors so both refuse the same ones.
 */
export function encodeCursor(signer: CursorSigner, query: BounceQuery, after: string): Promise<string> {
  return signer.seal({ q: queryFingerprint(query), a: after });
}

export async function decodeCursor(
  signer: CursorSigner,
  query: BounceQuery,
  cursor: string,
): Promise<string> {
  const parsed = (await signer.open(cursor)) as { q?: unknown; a?: unknown } | null;
  if (typeof parsed?.q !== 'string' || typeof parsed.a !== 'string') {
    throw new ValidationError('cursor', 'is not a cursor this listing returned');
  }
  if (parsed.q !== queryFingerprint(query)) {
    throw new ValidationError('cursor', 'belongs to other filters or order; start again without it');
  }
  return parsed.a;
}
