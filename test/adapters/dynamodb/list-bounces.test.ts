import { beforeAll, describe, expect, it } from 'vitest';
import type { Bounce } from '../../../lambdas/core/bounce.js';
import type { BounceQuery } from '../../../lambdas/core/bounce-query.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { type TestTable, testTable } from '../../support/dynamodb.js';

const CAMPAIGN_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const CAMPAIGN_B = 'bbbbbbbb-0000-4000-8000-000000000002';

function query(overrides: Partial<BounceQuery> = {}): BounceQuery {
  return { order: 'desc', per_page: 100, ...overrides };
}

describe('DynamoDbBounceStore listing', () => {
  let table: TestTable;
  const all: Bounce[] = [];

  beforeAll(async () => {
    table = await testTable();
    // 24 bounces, one an hour, spread over 3 addresses, 2 campaigns, 2 sources and 3 types.
    for (let i = 0; i < 24; i++) {
      const b: Bounce = {
        id: `01JD${String(i).padStart(22, '0')}`,
        email: `user${i % 3}@example.com`,
        type: (['hard', 'soft', 'complaint'] as const)[i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
        reason: 'unknown',
        source: i % 2 === 0 ? 'api' : 'ses',
        meta: { i },
        created_at: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
        ...(i % 4 === 0 ? { campaign_uuid: CAMPAIGN_A } : i % 4 === 1 ? { campaign_uuid: CAMPAIGN_B } : {}),
      };
      all.push(b);
      await table.bounces.put(b);
    }
  });

  async function ids(q: BounceQuery) {
    return (await table.bounces.list(q)).results.map((b) => b.id);
  }

  function expected(filter: (b: Bounce) => boolean, order: 'asc' | 'desc' = 'desc') {
    const list = all.filter(filter).map((b) => b.id);
    return order === 'desc' ? list.reverse() : list;
  }

  it('lists every bounce newest first, or oldest first', async () => {
    expect(await ids(query())).toEqual(expected(() => true));
    expect(await ids(query({ order: 'asc' }))).toEqual(expected(() => true, 'asc'));
  });

  it.each([
    ['campaign_uuid', { campaign_uuid: CAMPAIGN_A }, (b: Bounce) => b.campaign_uuid === CAMPAIGN_A],
    ['source', { source: 'ses' }, (b: Bounce) => b.source === 'ses'],
    ['type', { type: 'soft' as const }, (b: Bounce) => b.type === 'soft'],
    ['email', { email: 'user1@example.com' }, (b: Bounce) => b.email === 'user1@example.com'],
    [
      'from/to',
      { from: '2026-11-01T05:00:00.000Z', to: '2026-11-01T09:00:00.000Z' },
      (b: Bounce) => b.created_at >= '2026-11-01T05:00:00.000Z' && b.created_at <= '2026-11-01T09:00:00.000Z',
    ],
    [
      'email + type + time',
      { email: 'user0@example.com', type: 'hard' as const, from: '2026-11-01T06:00:00.000Z' },
      (b: Bounce) =>
        b.email === 'user0@example.com' && b.type === 'hard' && b.created_at >= '2026-11-01T06:00:00.000Z',
    ],
    [
      'campaign + source',
      { campaign_uuid: CAMPAIGN_B, source: 'ses' },
      (b: Bounce) => b.campaign_uuid === CAMPAIGN_B && b.source === 'ses',
    ],
  ])('filters by %s with Queries only, never a Scan', async (_name, filters, predicate) => {
    table.resetCommands();
    expect(await ids(query(filters))).toEqual(expected(predicate));
    expect(table.commands).not.toContain('ScanCommand');
    expect(table.commands).toContain('QueryCommand');
  });

  it('pages with a cursor through every bounce once, the last page without a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await table.bounces.list(
        query({ per_page: 5, type: 'soft', ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.results.map((b) => b.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(expected((b) => b.type === 'soft'));
    expect(cursor).toBeUndefined();
  });

  it('refuses a tampered cursor', async () => {
    const page = await table.bounces.list(query({ per_page: 2 }));
    const [body, mac] = (page.next_cursor as string).split('.') as [string, string];
    const payload = Buffer.from(body, 'base64url').toString().replace('SUB#user', 'SUB#evil');
    const tampered = `${Buffer.from(payload).toString('base64url')}.${mac}`;
    await expect(table.bounces.list(query({ per_page: 2, cursor: tampered }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(table.bounces.list(query({ per_page: 2, cursor: 'garbage' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('refuses a cursor from another filter', async () => {
    const page = await table.bounces.list(query({ per_page: 2, source: 'api' }));
    await expect(
      table.bounces.list(query({ per_page: 2, source: 'ses', cursor: page.next_cursor as string })),
    ).rejects.toThrow(/cursor/);
  });

  it("carries each subscriber's current status (null without a record)", async () => {
    const [first] = (await table.bounces.list(query({ per_page: 1 }))).results;
    expect(first).toHaveProperty('subscriber_status', null);
  });

  it('finds one bounce by id and answers null for an unknown id', async () => {
    expect(await table.bounces.get(all[3]?.id as string)).toMatchObject({ id: all[3]?.id, meta: { i: 3 } });
    expect(await table.bounces.get('01JD0000000000000000009999')).toBeNull();
  });
});
