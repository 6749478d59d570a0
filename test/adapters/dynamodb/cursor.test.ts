import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CursorSigner } from '../../../lambdas/adapters/cursor-signer.js';
import { DynamoDbBounceStore } from '../../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import type { BounceQuery } from '../../../lambdas/core/bounces/bounce-query.js';
import { queryFingerprint } from '../../../lambdas/core/bounces/bounce-query.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { CURSOR_KEY_SECRET } from '../../../lambdas/core/settings/settings-secrets.js';
import { type TestTable, testTable } from '../../support/dynamodb.js';

const PAGE: BounceQuery = { order: 'desc', per_page: 2 };

/** The key a listing of every bounce starts after: its own partition key and time sort key. */
function startKey(sk: string, ts: string) {
  return { pk: 'SUB#a@example.com', sk, all_pk: 'BOUNCE', ts };
}

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('cursor');
  return error as ValidationError;
}

describe('list cursors (sealed with HMAC-SHA256 under a key in the secret store)', () => {
  let table: TestTable;
  let cursor: string;

  beforeAll(async () => {
    table = await testTable();
    for (let i = 0; i < 5; i++) {
      await table.bounces.put({
        id: `01JE${String(i).padStart(22, '0')}`,
        email: 'a@example.com',
        type: 'soft',
        reason: 'unknown',
        source: 'api',
        meta: {},
        created_at: new Date(Date.UTC(2026, 10, 2, i)).toISOString(),
      });
    }
    cursor = (await table.bounces.list(PAGE)).next_cursor as string;
  });

  it('makes a random key on first use and keeps it in the secret store', async () => {
    const stored = (await table.secrets.get())[CURSOR_KEY_SECRET] as string;
    expect(Buffer.from(stored, 'base64')).toHaveLength(32);
    // Another container reading the same secret continues the listing.
    const other = new DynamoDbBounceStore(table.db, table.tableName, new CursorSigner(table.secrets));
    expect((await other.list({ ...PAGE, cursor })).results).toHaveLength(2);
    expect(cursor).not.toContain(stored);
  });

  it('refuses a cursor sealed by another deployment (another key)', async () => {
    const foreign = new CursorSigner(new MemorySecretStore());
    const sealed = await foreign.seal({ q: queryFingerprint(PAGE), k: startKey('B#x', 'x') });
    await refusal(table.bounces.list({ ...PAGE, cursor: sealed }));
  });

  it('refuses a cursor checksummed with a plain hash, which anyone can compute', async () => {
    const p = JSON.stringify({ q: queryFingerprint(PAGE), k: startKey('B#2026', '2026') });
    const c = createHash('sha256').update(p).digest('base64url').slice(0, 16);
    const forged = Buffer.from(JSON.stringify({ p, c })).toString('base64url');
    await refusal(table.bounces.list({ ...PAGE, cursor: forged }));
  });

  it('refuses, as a 400 naming cursor, a sealed key beyond DynamoDB key limits (sort key over 1,024 bytes)', async () => {
    const long = `B#${'9'.repeat(1_100)}`;
    const sealed = await table.cursors.seal({ q: queryFingerprint(PAGE), k: startKey(long, long.slice(2)) });
    await refusal(table.bounces.list({ ...PAGE, cursor: sealed }));
  });

  it('refuses a cursor whose body or seal was changed', async () => {
    const [body, mac] = cursor.split('.') as [string, string];
    const flipped = `${mac.slice(0, -2)}${mac.endsWith('A') ? 'B' : 'A'}${mac.slice(-1)}`;
    await refusal(table.bounces.list({ ...PAGE, cursor: `${body}.${flipped}` }));
    await refusal(table.bounces.list({ ...PAGE, cursor: `${body}x.${mac}` }));
    await refusal(table.bounces.list({ ...PAGE, cursor: body }));
  });
});
