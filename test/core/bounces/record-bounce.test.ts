import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { bounceToItem } from '../../../lambdas/adapters/dynamodb/bounce-item.js';
import { DynamoDbStatsStore } from '../../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { keys } from '../../../lambdas/adapters/dynamodb/keys.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../../lambdas/core/bounces/record-bounce.js';
import { NotFoundError } from '../../../lambdas/core/errors.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { bareSubscriber } from '../../../lambdas/core/subscribers/subscriber.js';
import { type TestTable, testTable } from '../../support/dynamodb.js';
import { FakeClock, RecordingPublisher } from '../../support/fakes.js';

const UUID = '3f2a6c1e-8d4b-4a7e-9c2d-1b5e7f9a0c3d';

function bounce(overrides: Partial<BounceInput> = {}): BounceInput {
  return {
    email: 'ann@example.com',
    type: 'hard',
    reason: 'user_unknown',
    source: 'api',
    meta: {},
    ...overrides,
  };
}

function settingsWith(actions: Partial<BounceSettings['actions']>): BounceSettings {
  const s = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
  return { ...s, actions: { ...s.actions, ...actions } };
}

describe('recordBounce', () => {
  let table: TestTable;
  let clock: FakeClock;
  let events: RecordingPublisher;
  let deps: RecordDeps;

  beforeEach(async () => {
    table = await testTable();
    clock = new FakeClock();
    events = new RecordingPublisher();
    deps = { subscribers: table.subscribers, bounces: table.bounces, events, clock, ids: ulidIds() };
  });

  async function listAll(email: string) {
    return (await table.bounces.list({ email, order: 'asc', per_page: 1000 })).results;
  }

  it('stores a bounce for an unknown address and creates a bare subscriber record', async () => {
    const result = await recordBounce(deps, settingsWith({}), bounce({ type: 'soft', reason: 'unknown' }));
    expect(result).toMatchObject({ duplicate: false, action: 'none', tombstoned: false });
    const found = await table.subscribers.findByEmail('ann@example.com');
    expect(found.subscriber).toMatchObject({ email: 'ann@example.com', status: 'enabled', lists: {} });
    expect(await listAll('ann@example.com')).toHaveLength(1);
  });

  it('refuses an unknown subscriber_uuid without an email', async () => {
    await expect(
      recordBounce(deps, settingsWith({}), bounce({ email: undefined, subscriber_uuid: UUID })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds the subscriber by uuid when the bounce names only the uuid', async () => {
    await table.subscribers.create({
      email: 'bob@example.com',
      uuid: UUID,
      status: 'enabled',
      lists: {},
      fired: {},
      history: [],
      created_at: clock.now().toISOString(),
      updated_at: clock.now().toISOString(),
    });
    const result = await recordBounce(
      deps,
      settingsWith({}),
      bounce({ email: undefined, subscriber_uuid: UUID, type: 'soft' }),
    );
    const stored = await table.bounces.get(result.id as string);
    expect(stored).toMatchObject({
      email: 'bob@example.com',
      subscriber_uuid: UUID,
      subscriber_status: 'enabled',
    });
  });

  it('blocklists on the hard threshold and unsubscribes every list', async () => {
    await table.subscribers.create({
      email: 'ann@example.com',
      status: 'enabled',
      lists: { '1': 'confirmed', '2': 'unconfirmed' },
      fired: {},
      history: [],
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const result = await recordBounce(deps, settingsWith({}), bounce());
    expect(result.action).toBe('blocklist');
    const sub = (await table.subscribers.findByEmail('ann@example.com')).subscriber;
    expect(sub?.status).toBe('blocklisted');
    expect(sub?.lists).toEqual({ '1': 'unsubscribed', '2': 'unsubscribed' });
    expect(sub?.history).toEqual([
      expect.objectContaining({ action: 'blocklist', type: 'hard', count: 1, bounce_id: result.id }),
    ]);
    expect(events.events).toEqual([
      expect.objectContaining({ type: 'subscriber.blocklisted', email: 'ann@example.com' }),
    ]);
  });

  it('unsubscribes without blocklisting for the unsubscribe action', async () => {
    await table.subscribers.create({
      email: 'ann@example.com',
      status: 'enabled',
      lists: { '7': 'confirmed' },
      fired: {},
      history: [],
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const settings = settingsWith({ soft: { count: 2, action: 'unsubscribe', window_days: 0 } });
    expect((await recordBounce(deps, settings, bounce({ type: 'soft' }))).action).toBe('none');
    expect((await recordBounce(deps, settings, bounce({ type: 'soft' }))).action).toBe('unsubscribe');
    const sub = (await table.subscribers.findByEmail('ann@example.com')).subscriber;
    expect(sub).toMatchObject({ status: 'enabled', lists: { '7': 'unsubscribed' } });
  });

  it('keeps storing bounces past the threshold and for blocklisted subscribers, firing once', async () => {
    const settings = settingsWith({});
    const actions = [];
    for (let i = 0; i < 4; i++) actions.push((await recordBounce(deps, settings, bounce())).action);
    expect(actions).toEqual(['blocklist', 'none', 'none', 'none']);
    await recordBounce(deps, settings, bounce({ type: 'soft' }));
    expect(await listAll('ann@example.com')).toHaveLength(5);
    expect(events.events).toHaveLength(1);
  });

  it('counts only bounces inside window_days', async () => {
    const settings = settingsWith({ soft: { count: 2, action: 'blocklist', window_days: 7 } });
    await recordBounce(deps, settings, bounce({ type: 'soft' }));
    clock.advance(8 * 86_400_000);
    expect((await recordBounce(deps, settings, bounce({ type: 'soft' }))).action).toBe('none');
    clock.advance(86_400_000);
    expect((await recordBounce(deps, settings, bounce({ type: 'soft' }))).action).toBe('blocklist');
  });

  it('ignores a backdated bounce outside the window when counting', async () => {
    const settings = settingsWith({ hard: { count: 1, action: 'blocklist', window_days: 1 } });
    const result = await recordBounce(deps, settings, bounce({ created_at: '2026-01-01T00:00:00.000Z' }));
    expect(result.action).toBe('none');
    expect(await listAll('ann@example.com')).toHaveLength(1);
  });

  it('delete removes the subscriber and its bounces, leaving only a tombstone that later bounces respect', async () => {
    const settings = settingsWith({ complaint: { count: 1, action: 'delete', window_days: 0 } });
    await recordBounce(deps, settings, bounce({ type: 'soft', event_key: 'k-soft' }));
    const result = await recordBounce(deps, settings, bounce({ type: 'complaint', reason: 'complaint' }));
    expect(result.action).toBe('delete');
    expect(await listAll('ann@example.com')).toEqual([]);
    expect(await table.subscribers.findByEmail('ann@example.com')).toEqual({
      subscriber: null,
      tombstoned: true,
    });
    expect((await table.bounces.list({ order: 'desc', per_page: 100 })).results).toEqual([]);

    const later = await recordBounce(deps, settings, bounce({ type: 'hard', event_key: 'k-soft' }));
    expect(later).toEqual({ id: null, duplicate: false, action: 'none', tombstoned: true });
    expect((await table.subscribers.findByEmail('ann@example.com')).subscriber).toBeNull();
    expect(events.events.map((e) => e.type)).toEqual(['subscriber.deleted']);
  });

  it('stores one bounce per event key and reports the repeat as a duplicate of the first', async () => {
    const settings = settingsWith({ soft: { count: 5, action: 'none', window_days: 0 } });
    const first = await recordBounce(deps, settings, bounce({ type: 'soft', event_key: 'evt-1' }));
    clock.advance(60_000);
    const again = await recordBounce(deps, settings, bounce({ type: 'soft', event_key: 'evt-1' }));
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    expect(await listAll('ann@example.com')).toHaveLength(1);
  });

  it('a retry of the same event completes an action whose event was lost in a crash', async () => {
    const settings = settingsWith({});
    events.failNext = 1;
    await expect(recordBounce(deps, settings, bounce({ event_key: 'evt-crash' }))).rejects.toThrow(
      'publisher down',
    );
    expect((await table.subscribers.findByEmail('ann@example.com')).subscriber?.status).toBe('blocklisted');
    expect(events.events).toHaveLength(0);

    const retry = await recordBounce(deps, settings, bounce({ event_key: 'evt-crash' }));
    expect(retry.duplicate).toBe(true);
    expect(events.events).toEqual([
      expect.objectContaining({ type: 'subscriber.blocklisted', bounce_id: retry.id }),
    ]);
    expect((await table.subscribers.findByEmail('ann@example.com')).subscriber?.fired.hard?.emitted).toBe(
      true,
    );
    await recordBounce(deps, settings, bounce({ event_key: 'evt-crash' }));
    expect(events.events).toHaveLength(1);
  });

  it('a retry finishes a delete cut short after its tombstone was written', async () => {
    const settings = settingsWith({ hard: { count: 1, action: 'delete', window_days: 0 } });
    const erase = table.subscribers.erase.bind(table.subscribers);
    let crashes = 1;
    // The first erase writes only the tombstone, then the process "dies".
    table.subscribers.erase = async (email) => {
      if (crashes-- > 0) {
        await table.db.send(new PutCommand({ TableName: table.tableName, Item: keys.tombstone(email) }));
        throw new Error('crashed mid-delete');
      }
      return erase(email);
    };
    await expect(recordBounce(deps, settings, bounce({ event_key: 'evt-del' }))).rejects.toThrow(
      'crashed mid-delete',
    );
    expect((await table.subscribers.findByEmail('ann@example.com')).subscriber).not.toBeNull();

    const retry = await recordBounce(deps, settings, bounce({ event_key: 'evt-del' }));
    expect(retry.tombstoned).toBe(true);
    expect(await table.subscribers.findByEmail('ann@example.com')).toEqual({
      subscriber: null,
      tombstoned: true,
    });
    expect(await listAll('ann@example.com')).toEqual([]);
  });

  it('20 simultaneous bounces for one subscriber store 20 bounces and fire the action exactly once', async () => {
    const settings = settingsWith({ soft: { count: 5, action: 'blocklist', window_days: 0 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordBounce(deps, settings, bounce({ type: 'soft', event_key: `c-${i}` })),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(20);
    expect(results.filter((r) => r.action === 'blocklist')).toHaveLength(1);
    expect(await table.bounces.count('ann@example.com', 'soft')).toBe(20);
    const sub = (await table.subscribers.findByEmail('ann@example.com')).subscriber;
    expect(sub?.history).toHaveLength(1);
    expect(events.events).toHaveLength(1);
  });

  describe('request budget (the finished system, counted against DynamoDB)', () => {
    const AT = '2026-11-29T09:00:00.000Z';
    // A rule that needs the count on every soft bounce, never reached here.
    const softCounted = settingsWith({ soft: { count: 10, action: 'unsubscribe', window_days: 30 } });

    async function measured(settings: BounceSettings, input: BounceInput) {
      table.resetCommands();
      const result = await recordBounce(deps, settings, input);
      return { result, requests: table.commands.length, roundTrips: table.roundTrips() };
    }

    it('a known address: at most 3 requests in at most 3 round trips, with or without an event key', async () => {
      await recordBounce(deps, softCounted, bounce({ type: 'soft' }));
      for (const input of [
        bounce({ type: 'soft' }),
        bounce({ type: 'soft', event_key: 'k-timed', created_at: AT }),
      ]) {
        const m = await measured(softCounted, input);
        expect(m.result.action).toBe('none');
        expect(m.requests).toBeLessThanOrEqual(3);
        expect(m.roundTrips).toBeLessThanOrEqual(3);
      }
    });

    it('a new address with an event key: at most 5 requests in at most 3 round trips', async () => {
      const m = await measured(
        softCounted,
        bounce({ email: 'new@example.com', type: 'soft', event_key: 'k-new', created_at: AT }),
      );
      expect(m.result).toMatchObject({ action: 'none', duplicate: false });
      expect(m.requests).toBeLessThanOrEqual(5);
      expect(m.roundTrips).toBeLessThanOrEqual(3);
    });

    it('an event key without a time from the event costs one request and round trip more (its event item)', async () => {
      await recordBounce(deps, softCounted, bounce({ type: 'soft' }));
      const known = await measured(softCounted, bounce({ type: 'soft', event_key: 'k-untimed' }));
      expect(known.requests).toBeLessThanOrEqual(4);
      expect(known.roundTrips).toBeLessThanOrEqual(4);
      const fresh = await measured(
        softCounted,
        bounce({ email: 'new-untimed@example.com', type: 'soft', event_key: 'k-new-untimed' }),
      );
      expect(fresh.requests).toBeLessThanOrEqual(5);
      expect(fresh.roundTrips).toBeLessThanOrEqual(4);
    });

    it('the statistics counter adds its request but no round trip', async () => {
      deps = { ...deps, stats: new DynamoDbStatsStore(table.db, table.tableName) };
      await recordBounce(deps, softCounted, bounce({ type: 'soft' }));
      const known = await measured(
        softCounted,
        bounce({ type: 'soft', event_key: 'k-stat', created_at: AT }),
      );
      expect(known.requests).toBeLessThanOrEqual(3 + 1);
      expect(known.roundTrips).toBeLessThanOrEqual(3);
      const fresh = await measured(
        softCounted,
        bounce({ email: 'stat-new@example.com', type: 'soft', event_key: 'k-stat-new', created_at: AT }),
      );
      expect(fresh.requests).toBeLessThanOrEqual(5 + 1);
      expect(fresh.roundTrips).toBeLessThanOrEqual(3);
      // Both were counted, on the day of their event.
      const days = await (deps.stats as DynamoDbStatsStore).read(['2026-11-29']);
      expect(days.get('2026-11-29')).toBeDefined();
    });

    it('a subscriber whose action already fired costs no count', async () => {
      await recordBounce(deps, settingsWith({}), bounce());
      const m = await measured(settingsWith({}), bounce({ event_key: 'k-after', created_at: AT }));
      expect(m.result.action).toBe('none');
      expect(m.requests).toBeLessThanOrEqual(2);
    });

    it('an action adds at most 2 requests', async () => {
      const known = await measured(settingsWith({}), bounce({ event_key: 'k-hard', created_at: AT }));
      expect(known.result.action).toBe('blocklist');
      expect(known.requests).toBeLessThanOrEqual(3 + 2);
      const fresh = await measured(
        settingsWith({}),
        bounce({ email: 'fresh@example.com', event_key: 'k-fresh', created_at: AT }),
      );
      expect(fresh.result.action).toBe('blocklist');
      expect(fresh.requests).toBeLessThanOrEqual(5 + 2);
    });
  });

  describe('the bounce put is the idempotency claim', () => {
    const AT = '2026-11-29T09:00:00.000Z';
    const keyed = (extra: Partial<BounceInput> = {}) =>
      bounce({ type: 'soft', event_key: 'ses:bounce:f1:ann@example.com', created_at: AT, ...extra });

    async function eventItem(key: string) {
      const res = await table.db.send(
        new GetCommand({ TableName: table.tableName, Key: keys.event(key), ConsistentRead: true }),
      );
      return res.Item;
    }

    it('stores a bounce whose event carries its time with one write and no event item', async () => {
      await table.subscribers.create(bareSubscriber('ann@example.com', undefined, AT));
      table.resetCommands();
      const first = await recordBounce(deps, settingsWith({}), keyed());
      expect(table.commands.filter((c) => c.startsWith('Put'))).toHaveLength(1);
      expect(await eventItem('ses:bounce:f1:ann@example.com')).toBeUndefined();
      clock.advance(3_600_000);
      const again = await recordBounce(deps, settingsWith({}), keyed());
      expect(again).toMatchObject({ id: first.id, duplicate: true });
      expect(await listAll('ann@example.com')).toHaveLength(1);
    });

    it('two deliveries of one event at the same moment store one bounce: the loser is the duplicate', async () => {
      for (const email of ['race-new@example.com', 'ann@example.com']) {
        if (email === 'ann@example.com') await recordBounce(deps, settingsWith({}), bounce({ type: 'soft' }));
        const results = await Promise.all(
          Array.from({ length: 4 }, () => recordBounce(deps, settingsWith({}), keyed({ email }))),
        );
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect((await listAll(email)).filter((b) => b.event_key)).toHaveLength(1);
      }
    });

    it('bounces racing to create a new address count together and fire once', async () => {
      const settings = settingsWith({ soft: { count: 3, action: 'blocklist', window_days: 0 } });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          recordBounce(deps, settings, keyed({ email: 'burst@example.com', event_key: `burst-${i}` })),
        ),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(6);
      expect(results.filter((r) => r.action === 'blocklist')).toHaveLength(1);
      const sub = (await table.subscribers.findByEmail('burst@example.com')).subscriber;
      expect(sub?.status).toBe('blocklisted');
      expect(sub?.history).toHaveLength(1);
      expect(await table.bounces.count('burst@example.com', 'soft')).toBe(6);
    });

    it("a deleted bounce's event key stays claimed: a late redelivery does not bring it back", async () => {
      const settings = settingsWith({ soft: { count: 1, action: 'unsubscribe', window_days: 0 } });
      await table.subscribers.create(bareSubscriber('ann@example.com', undefined, AT));
      const first = await recordBounce(deps, settingsWith({}), keyed());
      expect(await table.bounces.deleteByIds([first.id as string])).toBe(1);
      const late = await recordBounce(deps, settings, keyed());
      expect(late).toMatchObject({ id: first.id, duplicate: true, action: 'none' });
      expect(await listAll('ann@example.com')).toEqual([]);
      expect(await table.bounces.get(first.id as string)).toBeNull();
      expect(await table.bounces.count('ann@example.com', 'soft')).toBe(0);
      expect(await table.bounces.countByType('ann@example.com')).toEqual({ hard: 0, soft: 0, complaint: 0 });
    });

    it('an event claimed by an event item (stored by an earlier release) stays one bounce', async () => {
      const earlier = {
        id: '01KB0000000000000000000001',
        email: 'ann@example.com',
        type: 'soft' as const,
        reason: 'unknown' as const,
        source: 'api',
        meta: {},
        created_at: AT,
        event_key: 'ses:bounce:f1:ann@example.com',
      };
      await table.subscribers.create(bareSubscriber('ann@example.com', undefined, AT));
      await table.db.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...keys.event(earlier.event_key), bounce: JSON.stringify(earlier) },
        }),
      );
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: bounceToItem(earlier) }));
      const again = await recordBounce(deps, settingsWith({}), keyed());
      expect(again).toMatchObject({ id: earlier.id, duplicate: true });
      expect((await listAll('ann@example.com')).map((b) => b.id)).toEqual([earlier.id]);
    });

    it('the same event for another address is another bounce with another id', async () => {
      const a = await recordBounce(deps, settingsWith({}), keyed());
      const b = await recordBounce(deps, settingsWith({}), keyed({ email: 'bob@example.com' }));
      expect(b.duplicate).toBe(false);
      expect(b.id).not.toBe(a.id);
    });
  });
});
