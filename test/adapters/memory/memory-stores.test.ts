import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStores } from '../../../lambdas/adapters/memory/memory-stores.js';
import type { Bounce } from '../../../lambdas/core/bounces/bounce.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { type ActionHistoryEntry, bareSubscriber } from '../../../lambdas/core/subscribers/subscriber.js';

const EMAIL = 'ann@example.com';
const T0 = '2026-11-01T10:00:00.000Z';

function bounce(n: number, overrides: Partial<Bounce> = {}): Bounce {
  return {
    id: `01JD${String(n).padStart(22, '0')}`,
    email: EMAIL,
    type: 'soft',
    reason: 'unknown',
    source: 'api',
    meta: { n },
    created_at: new Date(Date.parse(T0) + n * 86_400_000).toISOString(),
    ...overrides,
  };
}

function entry(overrides: Partial<ActionHistoryEntry> = {}): ActionHistoryEntry {
  return { action: 'blocklist', type: 'hard', bounce_id: 'b1', count: 1, at: T0, ...overrides };
}

describe('memory stores', () => {
  let stores: ReturnType<typeof createMemoryStores>;

  beforeEach(() => {
    stores = createMemoryStores();
  });

  it('stores a bounce once per event key and answers a redelivery with the first bounce', async () => {
    const first = await stores.bounces.put(bounce(1, { event_key: 'webhook:api:e1' }));
    const again = await stores.bounces.put(bounce(2, { event_key: 'webhook:api:e1' }));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ bounce: bounce(1, { event_key: 'webhook:api:e1' }), duplicate: true });
    expect(await stores.bounces.count(EMAIL, 'soft')).toBe(1);
  });

  it('keeps a deleted bounce deleted when its event is delivered again', async () => {
    await stores.bounces.put(bounce(1, { event_key: 'webhook:api:e1' }));
    expect(await stores.bounces.deleteByIds([bounce(1).id, 'unknown'])).toBe(1);
    expect((await stores.bounces.put(bounce(2, { event_key: 'webhook:api:e1' }))).duplicate).toBe(true);
    expect(await stores.bounces.get(bounce(1).id)).toBeNull();
  });

  it('counts bounces of one type from a time on, all time without it', async () => {
    for (const n of [0, 1, 2, 3]) await stores.bounces.put(bounce(n));
    await stores.bounces.put(bounce(4, { type: 'hard' }));
    await stores.bounces.put(bounce(5, { email: 'bob@example.com' }));
    expect(await stores.bounces.count(EMAIL, 'soft')).toBe(4);
    expect(await stores.bounces.count(EMAIL, 'soft', bounce(2).created_at)).toBe(2);
    expect(await stores.bounces.countByType(EMAIL)).toEqual({ hard: 1, soft: 4, complaint: 0 });
  });

  it('claims an action once, and again only after the window moved past the last firing', async () => {
    const sub = { ...bareSubscriber(EMAIL, undefined, T0), lists: { news: 'confirmed' as const } };
    await stores.subscribers.create(sub);
    expect(await stores.subscribers.applyAction({ subscriber: sub, entry: entry() })).toBe(true);
    expect(await stores.subscribers.applyAction({ subscriber: sub, entry: entry() })).toBe(false);
    expect(await stores.subscribers.applyAction({ subscriber: sub, entry: entry(), windowStart: T0 })).toBe(
      false,
    );
    const later = '2026-12-01T00:00:00.000Z';
    expect(
      await stores.subscribers.applyAction({
        subscriber: sub,
        entry: entry({ at: later }),
        windowStart: later,
      }),
    ).toBe(true);
    const { subscriber } = await stores.subscribers.findByEmail(EMAIL);
    expect(subscriber).toMatchObject({ status: 'blocklisted', lists: { news: 'unsubscribed' } });
    expect(subscriber?.history).toHaveLength(2);
  });

  it('re-enables like the DynamoDB store: status enabled, actions re-armed, entry added, lists kept', async () => {
    const sub = { ...bareSubscriber(EMAIL, undefined, T0), lists: { news: 'confirmed' as const } };
    await stores.subscribers.create(sub);
    await stores.subscribers.applyAction({ subscriber: sub, entry: entry() });
    const later = '2026-12-01T00:00:00.000Z';
    await stores.subscribers.reenable(EMAIL, { action: 'reenabled', at: later, by: 'ops' });
    const { subscriber } = await stores.subscribers.findByEmail(EMAIL);
    expect(subscriber).toMatchObject({
      status: 'enabled',
      fired: {},
      rearmed_at: later,
      lists: { news: 'unsubscribed' },
      updated_at: later,
    });
    expect(subscriber?.history.at(-1)).toEqual({ action: 'reenabled', at: later, by: 'ops' });
    expect(await stores.subscribers.applyAction({ subscriber: sub, entry: entry({ at: later }) })).toBe(true);
    await expect(
      stores.subscribers.reenable('bob@example.com', { action: 'reenabled', at: later }),
    ).rejects.toThrow(/not found/);
  });

  it('does not claim an action for an address without a record', async () => {
    const sub = bareSubscriber(EMAIL, undefined, T0);
    expect(await stores.subscribers.applyAction({ subscriber: sub, entry: entry() })).toBe(false);
  });

  it('erases the subscriber and its bounces and keeps a tombstone of the address', async () => {
    await stores.subscribers.create(bareSubscriber(EMAIL, '3f2a6c1e-8d4b-4a7e-9c2d-1b5e7f9a0c3d', T0));
    await stores.bounces.put(bounce(1, { event_key: 'webhook:api:e1' }));
    await stores.subscribers.erase(EMAIL);
    expect(await stores.subscribers.findByEmail(EMAIL)).toEqual({ subscriber: null, tombstoned: true });
    expect(await stores.subscribers.findByUuid('3f2a6c1e-8d4b-4a7e-9c2d-1b5e7f9a0c3d')).toBeNull();
    expect(await stores.bounces.get(bounce(1).id)).toBeNull();
    expect([...stores.state.tombstones][0]).toMatch(/^[0-9a-f]{64}$/);
    await stores.subscribers.erase(EMAIL);
  });

  it('pages a filtered listing with a cursor and refuses that cursor for other filters', async () => {
    for (const n of [0, 1, 2, 3, 4]) await stores.bounces.put(bounce(n, { source: n % 2 ? 'ses' : 'api' }));
    const query = { source: 'api', order: 'asc' as const, per_page: 2 };
    const first = await stores.bounces.list(query);
    expect(first.results.map((b) => b.meta.n)).toEqual([0, 2]);
    const cursor = first.next_cursor as string;
    const second = await stores.bounces.list({ ...query, cursor });
    expect(second.results.map((b) => b.meta.n)).toEqual([4]);
    expect(second.next_cursor).toBeNull();
    expect(second.results[0]?.subscriber_status).toBeNull();
    await expect(stores.bounces.list({ ...query, source: 'ses', cursor })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
