import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStatsStore } from '../../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import type { Bounce } from '../../../lambdas/core/bounces/bounce.js';
import { countersFor } from '../../../lambdas/core/stats/counters.js';
import { type TestTable, testTable } from '../../support/dynamodb.js';

const DAY = '2026-11-29';

function bounce(n: number, overrides: Partial<Bounce> = {}): Bounce {
  return {
    id: `01JDZ0000000000000000000${String(n).padStart(2, '0')}`,
    email: `s${n}@example.com`,
    type: 'hard',
    reason: 'user_unknown',
    source: 'ses',
    campaign_uuid: '9f86b50d-5711-41c8-ab03-bc91c43d711b',
    meta: {},
    created_at: `${DAY}T10:00:00.000Z`,
    ...overrides,
  };
}

describe('DynamoDbStatsStore.read of only some counters (dynalite)', () => {
  let table: TestTable;
  let stats: DynamoDbStatsStore;

  beforeEach(async () => {
    table = await testTable();
    let shard = 0;
    // Spread over shards, as busy days are.
    stats = new DynamoDbStatsStore(table.db, table.tableName, { shard: () => shard++ % 3 });
    await stats.increment(bounce(1));
    await stats.increment(bounce(2, { type: 'soft', reason: 'mailbox_full' }));
    await stats.increment(bounce(3, { type: 'complaint', reason: 'complaint', source: 'api' }));
  });

  it('answers the named counters only, summed over the shards', async () => {
    const days = await stats.read([DAY], countersFor('day'));
    expect(days.get(DAY)).toEqual({ 't#all#hard': 1, 't#all#soft': 1, 't#all#complaint': 1 });
  });

  it('answers every counter of the day without names', async () => {
    const all = (await stats.read([DAY])).get(DAY) ?? {};
    expect(Object.keys(all)).toContain('c#9f86b50d-5711-41c8-ab03-bc91c43d711b#hard');
    expect(all['s#ses#soft']).toBe(1);
    expect(all['r#user_unknown#hard']).toBe(1);
  });

  it('reads the reasons of the closed list without the sources and campaigns', async () => {
    const reasons = (await stats.read([DAY], countersFor('reason'))).get(DAY) ?? {};
    expect(reasons).toEqual({
      'r#user_unknown#hard': 1,
      'r#mailbox_full#soft': 1,
      'r#complaint#complaint': 1,
    });
  });

  it('leaves open groupings (source, campaign) to the whole read', () => {
    expect(countersFor('source')).toBeUndefined();
    expect(countersFor('campaign')).toBeUndefined();
  });
});
