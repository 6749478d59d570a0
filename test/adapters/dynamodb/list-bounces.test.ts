import { beforeAll, describe, expect, it } from 'vitest';
import type { Bounce } from '../../../lambdas/core/bounces/bounce.js';
import type { BounceQuery } from '../../../lambdas/core/bounces/bounce-query.js';
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
    // 60 bounces, one an hour, spread over 3 addresses, 2 campaigns, 2 sources, 3 types and the shards.
    for (let i = 0; i < 60; i++) {
      const b: Bounce = {
        id: `01JD${String(i).padStart(22, '0')}`,
        email: `user${i % 3}@example.com`,
        type: (['hard', 'soft', 'complaint'] as const)[i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
        reason: 'unknown',
        source: i % 2 === 0 ? 'api' : 'ses',
        meta: { i },
        created_at: new Date(Date.UTC(2026, 10, 1, 0, i * 20)).toISOString(),
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

  const FROM = '2026-11-01T05:00:00.000Z';
  const TO = '2026-11-01T17:00:00.000Z';
  const inTime = (b: Bounce) => b.created_at >= FROM && b.created_at <= TO;
  const KEYED: [string, Partial<BounceQuery>, (b: Bounce) => boolean][] = [
    ['nothing', {}, () => true],
    ['campaign_uuid', { campaign_uuid: CAMPAIGN_A }, (b) => b.campaign_uuid === CAMPAIGN_A],
    ['source', { source: 'ses' }, (b) => b.source === 'ses'],
    ['type', { type: 'soft' }, (b) => b.type === 'soft'],
    ['email', { email: 'user1@example.com' }, (b) => b.email === 'user1@example.com'],
    ['source + type', { source: 'api', type: 'hard' }, (b) => b.source === 'api' && b.type === 'hard'],
    [
      'campaign_uuid + type',
      { campaign_uuid: CAMPAIGN_B, type: 'complaint' },
      (b) => b.campaign_uuid === CAMPAIGN_B && b.type === 'complaint',
    ],
  ];

  describe.each(['desc', 'asc'] as const)('%s', (order) => {
    it.each(
      KEYED.flatMap(([name, filters, predicate]) => [
        [name, filters, predicate],
        [`${name}, from/to`, { ...filters, from: FROM, to: TO }, (b: Bounce) => predicate(b) && inTime(b)],
      ]) as [string, Partial<BounceQuery>, (b: Bounce) => boolean][],
    )('%s is answered by key conditions: nothing read is dropped', async (_name, filters, predicate) => {
      table.resetCommands();
      expect(await ids(query({ order, ...filters }))).toEqual(expected(predicate, order));
      expect(table.commands).not.toContain('ScanCommand');
      expect(table.dropped()).toBe(0);
    });
  });

  it.each([
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
    [
      'campaign + source + type',
      { campaign_uuid: CAMPAIGN_A, source: 'api', type: 'hard' as const },
      (b: Bounce) => b.campaign_uuid === CAMPAIGN_A && b.source === 'api' && b.type === 'hard',
    ],
  ])('filters %s inside one key with Queries only, never a Scan', async (_name, filters, predicate) => {
    table.resetCommands();
    expect(await ids(query(filters))).toEqual(expected(predicate));
    expect(table.commands).not.toContain('ScanCommand');
    expect(table.commands).toContain('QueryCommand');
  });

  it.each([
    ['every bounce', {}, () => true],
    ['a type across shards', { type: 'soft' as const }, (b: Bounce) => b.type === 'soft'],
    ['a source across types and shards', { source: 'api' }, (b: Bounce) => b.source === 'api'],
    ['one subscriber', { email: 'user2@example.com' }, (b: Bounce) => b.email === 'user2@example.com'],
  ])(
    'pages through %s in order, each once, with no empty page after an exact last page',
    async (_n, filters, predicate) => {
      const want = expected(predicate, 'asc');
      for (const perPage of [1, 3, 7, want.length]) {
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await table.bounces.list(
            query({ order: 'asc', per_page: perPage, ...filters, ...(cursor ? { cursor } : {}) }),
          );
          seen.push(...page.results.map((b) => b.id));
          sizes.push(page.results.length);
          cursor = page.next_cursor ?? undefined;
        } while (cursor && sizes.length <= want.length + 1);
        expect(seen).toEqual(want);
        expect(sizes).not.toContain(0);
        expect(sizes).toHaveLength(Math.ceil(want.length / perPage));
      }
    },
  );

  it('fills a page before answering, also when a filter drops most of what it reads', async () => {
    const sparse = await testTable();
    for (let i = 0; i < 200; i++) {
      await sparse.bounces.put({
        id: `01KC${String(i).padStart(22, '0')}`,
        email: 'many@example.com',
        type: i % 50 === 49 ? 'hard' : 'soft',
        reason: 'unknown',
        source: 'api',
        meta: {},
        created_at: new Date(Date.UTC(2026, 10, 2, 0, i)).toISOString(),
      });
    }
    const first = await sparse.bounces.list(
      query({ order: 'asc', per_page: 2, email: 'many@example.com', type: 'hard' }),
    );
    expect(first.results.map((b) => b.id)).toEqual([
      `01KC${String(49).padStart(22, '0')}`,
      `01KC${String(99).padStart(22, '0')}`,
    ]);
    const second = await sparse.bounces.list(
      query({
        order: 'asc',
        per_page: 2,
        email: 'many@example.com',
        type: 'hard',
        cursor: first.next_cursor as string,
      }),
    );
    expect(second.results).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
  }, 60_000);

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
    const payload = Buffer.from(body, 'base64url').toString().replace('2026-', '2025-');
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
