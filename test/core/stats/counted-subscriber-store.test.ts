import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStatsStore } from '../../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../../lambdas/core/bounces/record-bounce.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { countedBounceStore } from '../../../lambdas/core/stats/counted-bounce-store.js';
import { countedSubscriberStore } from '../../../lambdas/core/stats/counted-subscriber-store.js';
import { getStats } from '../../../lambdas/core/stats/get-stats.js';
import { type TestTable, testTable } from '../../support/dynamodb.js';
import { FakeClock, RecordingPublisher } from '../../support/fakes.js';

const DAY = '2026-11-29';

function settings(hardAction: BounceSettings['actions']['hard']['action']): BounceSettings {
  const s = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
  return {
    ...s,
    actions: {
      ...s.actions,
      soft: { count: 99, action: 'none', window_days: 0 },
      hard: { count: 2, action: hardAction, window_days: 0 },
    },
  };
}

function bounce(email: string, overrides: Partial<BounceInput> = {}): BounceInput {
  return {
    email,
    type: 'hard',
    reason: 'user_unknown',
    source: 'api',
    campaign_uuid: '9f86b50d-5711-41c8-ab03-bc91c43d711b',
    meta: {},
    created_at: `${DAY}T10:00:00.000Z`,
    ...overrides,
  };
}

/** The statistics as `GET /api/stats` answers them, on dynalite through the real SDK. */
describe('statistics after a delete action erased a subscriber', () => {
  let table: TestTable;
  let stats: DynamoDbStatsStore;
  let deps: RecordDeps;

  beforeEach(async () => {
    table = await testTable();
    stats = new DynamoDbStatsStore(table.db, table.tableName);
    deps = {
      subscribers: countedSubscriberStore(table.subscribers, stats),
      bounces: countedBounceStore(table.bounces, stats),
      events: new RecordingPublisher(),
      clock: new FakeClock(new Date(`${DAY}T12:00:00.000Z`)),
      ids: ulidIds(),
      stats,
    };
  });

  const read = async (group_by: 'day' | 'type' | 'reason' | 'source' | 'campaign') =>
    (await getStats({ stats, clock: deps.clock }, { from: DAY, to: DAY, group_by })).buckets;

  it('no longer counts the erased bounces, in any grouping', async () => {
    await recordBounce(
      deps,
      settings('delete'),
      bounce('keep@example.com', { type: 'soft', reason: 'mailbox_full' }),
    );
    await recordBounce(
      deps,
      settings('delete'),
      bounce('gone@example.com', { type: 'soft', reason: 'mailbox_full' }),
    );
    await recordBounce(deps, settings('delete'), bounce('gone@example.com'));
    const fired = await recordBounce(
      deps,
      settings('delete'),
      bounce('gone@example.com', { created_at: `${DAY}T11:00:00.000Z` }),
    );
    expect(fired.action).toBe('delete');
    expect(
      (await table.bounces.list({ email: 'gone@example.com', order: 'asc', per_page: 10 })).results,
    ).toEqual([]);

    expect(await read('day')).toEqual([{ key: DAY, hard: 0, soft: 1, complaint: 0 }]);
    expect(await read('type')).toEqual([{ key: 'soft', hard: 0, soft: 1, complaint: 0 }]);
    expect(await read('reason')).toEqual([{ key: 'mailbox_full', hard: 0, soft: 1, complaint: 0 }]);
    expect(await read('source')).toEqual([{ key: 'api', hard: 0, soft: 1, complaint: 0 }]);
    expect((await read('campaign')).map((b) => b.soft + b.hard)).toEqual([1]);
  });

  it('does not uncount twice a bounce an operator had already deleted', async () => {
    await recordBounce(deps, settings('delete'), bounce('twice@example.com', { event_key: 'k-1' }));
    const first = (await table.bounces.list({ email: 'twice@example.com', order: 'asc', per_page: 10 }))
      .results;
    // Deleted by the API (it keeps a claim item for the event key, already uncounted).
    await deps.bounces.deleteByIds(first.map((b) => b.id));
    await recordBounce(
      deps,
      settings('delete'),
      bounce('other@example.com', { type: 'soft', reason: 'mailbox_full' }),
    );
    await recordBounce(deps, settings('delete'), bounce('twice@example.com', { event_key: 'k-2' }));
    const fired = await recordBounce(
      deps,
      settings('delete'),
      bounce('twice@example.com', { event_key: 'k-3' }),
    );
    expect(fired.action).toBe('delete');
    expect(await read('day')).toEqual([{ key: DAY, hard: 0, soft: 1, complaint: 0 }]);
  });

  it('keeps counting the bounces an action other than delete leaves in place', async () => {
    await recordBounce(deps, settings('blocklist'), bounce('block@example.com'));
    const fired = await recordBounce(deps, settings('blocklist'), bounce('block@example.com'));
    expect(fired.action).toBe('blocklist');
    expect(await read('day')).toEqual([{ key: DAY, hard: 2, soft: 0, complaint: 0 }]);
  });
});
