import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStatsStore, STATS_SHARDS } from '../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import type { BounceInput } from '../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { countedBounceStore } from '../../lambdas/core/stats/counted-bounce-store.js';
import { rebuildStats } from '../../lambdas/core/stats/rebuild-stats.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { FakeClock } from '../support/fakes.js';

const CAMPAIGN = '5a0a3f7e-1111-4c2d-9e8f-000000000001';
const settings = effectiveSettings(
  { enabled: true },
  { actions: { hard: { action: 'none' }, complaint: { action: 'none' } } },
);

describe('GET /api/stats', () => {
  let table: TestTable;
  let clock: FakeClock;
  let stats: DynamoDbStatsStore;
  let record: RecordDeps;
  let api: ApiHarness;

  beforeEach(async () => {
    table = await testTable();
    clock = new FakeClock(new Date('2026-11-29T10:00:00.000Z'));
    stats = new DynamoDbStatsStore(table.db, table.tableName);
    record = { ...recordDepsOver(table, clock), bounces: countedBounceStore(table.bounces, stats), stats };
    api = await apiHarness({ record });
  });

  async function bounce(overrides: Partial<BounceInput> = {}): Promise<string> {
    const r = await recordBounce(record, settings, {
      email: 'ann@example.com',
      type: 'soft',
      reason: 'mailbox_full',
      source: 'api',
      meta: {},
      created_at: '2026-11-29T08:00:00.000Z',
      ...overrides,
    });
    return r.id as string;
  }

  const get = async (query: Record<string, string> = {}) => {
    const res = await api.call({ resource: '/api/stats', query });
    expect(res.status, res.text).toBe(200);
    return res.body.data.buckets as { key: string; hard: number; soft: number; complaint: number }[];
  };

  it('counts bounces per UTC day by type, every day of the default 30 listed', async () => {
    await bounce({ type: 'hard', reason: 'user_unknown' });
    await bounce({ type: 'soft' });
    await bounce({ type: 'complaint', reason: 'complaint', created_at: '2026-11-27T23:59:59.000Z' });
    await bounce({ type: 'hard', reason: 'user_unknown', created_at: '2026-10-01T00:00:00.000Z' });
    const days = await get();
    expect(days).toHaveLength(30);
    expect(days[0]?.key).toBe('2026-10-31');
    expect(days.at(-1)).toEqual({ key: '2026-11-29', hard: 1, soft: 1, complaint: 0 });
    expect(days.find((d) => d.key === '2026-11-27')).toEqual({
      key: '2026-11-27',
      hard: 0,
      soft: 0,
      complaint: 1,
    });
    expect(days.reduce((n, d) => n + d.hard + d.soft + d.complaint, 0)).toBe(3);
  });

  it('groups by type, reason, source and campaign, largest first', async () => {
    await bounce({ type: 'hard', reason: 'user_unknown', source: 'ses', campaign_uuid: CAMPAIGN });
    await bounce({ type: 'hard', reason: 'user_unknown', source: 'pop3:box#1', campaign_uuid: CAMPAIGN });
    await bounce({ type: 'soft', reason: 'mailbox_full', source: 'ses' });
    expect(await get({ group_by: 'type' })).toEqual([
      { key: 'hard', hard: 2, soft: 0, complaint: 0 },
      { key: 'soft', hard: 0, soft: 1, complaint: 0 },
    ]);
    expect(await get({ group_by: 'reason' })).toEqual([
      { key: 'user_unknown', hard: 2, soft: 0, complaint: 0 },
      { key: 'mailbox_full', hard: 0, soft: 1, complaint: 0 },
    ]);
    expect(await get({ group_by: 'source' })).toEqual([
      { key: 'ses', hard: 1, soft: 1, complaint: 0 },
      { key: 'pop3:box#1', hard: 1, soft: 0, complaint: 0 },
    ]);
    expect(await get({ group_by: 'campaign' })).toEqual([{ key: CAMPAIGN, hard: 2, soft: 0, complaint: 0 }]);
  });

  it('counts a redelivered event once', async () => {
    await bounce({ event_key: 'api:evt-1' });
    await bounce({ event_key: 'api:evt-1' });
    expect(await get({ group_by: 'type' })).toEqual([{ key: 'soft', hard: 0, soft: 1, complaint: 0 }]);
  });

  it('counts a bounce with one write on one of the day shards', async () => {
    await bounce();
    table.resetCommands();
    await stats.increment({
      id: 'x',
      email: 'a@example.com',
      type: 'hard',
      reason: 'user_unknown',
      source: 'api',
      meta: {},
      created_at: '2026-11-29T09:00:00.000Z',
      campaign_uuid: CAMPAIGN,
    });
    expect(table.commands).toEqual(['UpdateItemCommand']);
  });

  it('spreads a busy day over several shard items', async () => {
    for (let i = 0; i < 40; i += 1) await bounce({ email: `u${i}@example.com` });
    const items = await table.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'STATS#2026-11-29' },
      }),
    );
    expect(items.Items?.length).toBeGreaterThan(1);
    expect(items.Items?.length).toBeLessThanOrEqual(STATS_SHARDS);
    expect((await get({ from: '2026-11-29' }))[0]).toMatchObject({ soft: 40 });
  });

  it('uncounts deletes by id, by filter and by subscriber', async () => {
    const a = await bounce({ type: 'hard', reason: 'user_unknown' });
    await bounce({ source: 'ses' });
    await bounce({ email: 'bob@example.com', type: 'complaint', reason: 'complaint' });
    await bounce({ email: 'bob@example.com' });
    await api.call({ method: 'DELETE', resource: '/api/bounces/{id}', pathParameters: { id: a } });
    expect(await get({ group_by: 'type' })).toEqual([
      { key: 'soft', hard: 0, soft: 2, complaint: 0 },
      { key: 'complaint', hard: 0, soft: 0, complaint: 1 },
    ]);
    await api.call({ method: 'DELETE', resource: '/api/bounces', query: { source: 'ses' } });
    const del = await api.call({
      method: 'DELETE',
      resource: '/api/bounces',
      query: { email: 'bob@example.com' },
    });
    expect(del.body.data).toEqual({ deleted: 2, more: false });
    expect(await get({ group_by: 'type' })).toEqual([]);
    expect((await get()).at(-1)).toEqual({ key: '2026-11-29', hard: 0, soft: 0, complaint: 0 });
  });

  it('does not uncount an id that was not there', async () => {
    await bounce();
    const res = await api.call({
      method: 'DELETE',
      resource: '/api/bounces',
      query: { id: ['01JD0000000000000000000999'] },
    });
    expect(res.body.data).toEqual({ deleted: 0, more: false });
    expect(await get({ group_by: 'type' })).toEqual([{ key: 'soft', hard: 0, soft: 1, complaint: 0 }]);
  });

  it('rebuild recomputes the counters from the stored bounces', async () => {
    await bounce({ type: 'hard', reason: 'user_unknown', campaign_uuid: CAMPAIGN });
    await bounce({ created_at: '2026-11-20T12:00:00.000Z' });
    // Counters that drifted: a lost increment on one day, a stale count on another.
    await stats.replace('2026-11-29', {});
    await stats.replace('2026-11-25', { 't#all#hard': 7 });
    const report = await rebuildStats({ bounces: record.bounces, stats, clock });
    expect(report).toMatchObject({ bounces: 2, from: '2026-11-20', to: '2026-11-29', days: 10 });
    const days = await get({ from: '2026-11-20', to: '2026-11-29' });
    expect(days.filter((d) => d.hard + d.soft + d.complaint > 0)).toEqual([
      { key: '2026-11-20', hard: 0, soft: 1, complaint: 0 },
      { key: '2026-11-29', hard: 1, soft: 0, complaint: 0 },
    ]);
    expect(await get({ group_by: 'campaign' })).toEqual([{ key: CAMPAIGN, hard: 1, soft: 0, complaint: 0 }]);
  });

  it('takes timestamps on their UTC day and dates as given', async () => {
    await bounce({ created_at: '2026-11-28T23:30:00.000Z' });
    const one = await get({ from: '2026-11-29T00:30:00+01:00', to: '2026-11-28' });
    expect(one).toEqual([{ key: '2026-11-28', hard: 0, soft: 1, complaint: 0 }]);
  });

  it.each([
    [{ group_by: 'week' }, 'group_by'],
    [{ from: '2026-11-30', to: '2026-11-29' }, 'from'],
    [{ from: '2025-01-01', to: '2026-11-29' }, 'from'],
    [{ from: '2026-02-30' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ day: '2026-11-29' }, 'day'],
  ])('refuses %o naming %s', async (query, field) => {
    const res = await api.call({ resource: '/api/stats', query });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(new RegExp(`^${field}`));
  });

  it('needs bounces:get', async () => {
    const res = await api.call({ resource: '/api/stats', permissions: ['subscribers:get'] });
    expect(res.status).toBe(403);
  });
});
