import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStores } from '../../lambdas/adapters/memory/memory-stores.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { Bounce } from '../../lambdas/core/bounces/bounce.js';
import type { RecordDeps } from '../../lambdas/core/bounces/record-bounce.js';
import { bareSubscriber } from '../../lambdas/core/subscribers/subscriber.js';
import { PAGE_BUDGET_BYTES, payloadBytes } from '../../lambdas/handlers/api/page-budget.js';
import { type ApiHarness, type ApiResponse, apiHarness } from '../support/api-harness.js';
import { FakeClock, RecordingPublisher } from '../support/fakes.js';

function recordDeps(stores: ReturnType<typeof createMemoryStores>): Omit<RecordDeps, 'clock'> {
  return {
    subscribers: stores.subscribers,
    bounces: stores.bounces,
    events: new RecordingPublisher(),
    ids: ulidIds(),
  };
}

/** Lambda's limit for a synchronous response payload (the proxy result serialised as JSON). */
const LAMBDA_RESPONSE_LIMIT = 6_291_556;
const COUNT = 1000;
/** ~10 KB of meta per bounce, with quotes, which JSON escapes twice on the way out (body, then payload). */
const META = { note: '"quoted" text, '.repeat(640) };

/** What Lambda measures: the whole proxy result as JSON. */
function lambdaPayloadBytes(res: ApiResponse): number {
  return Buffer.byteLength(JSON.stringify({ statusCode: res.status, headers: res.headers, body: res.text }));
}

describe('pages cut by bytes, not rows (1,000 bounces with ~10 KB meta)', () => {
  let api: ApiHarness;
  const ids: string[] = [];

  beforeAll(async () => {
    api = await apiHarness();
    const start = Date.parse('2026-10-01T00:00:00Z');
    const bounces: Bounce[] = Array.from({ length: COUNT }, (_, i) => {
      const at = start + i * 1000;
      return {
        id: api.record.ids.next(at),
        email: `user${i % 40}@example.com`,
        type: 'soft',
        reason: 'unknown',
        source: 'api',
        meta: { ...META, n: i },
        created_at: new Date(at).toISOString(),
      };
    });
    ids.push(...bounces.map((b) => b.id));
    for (let i = 0; i < bounces.length; i += 25) {
      await Promise.all(bounces.slice(i, i + 25).map((b) => api.record.bounces.put(b)));
    }
  }, 120_000);

  async function follow(format: 'json' | 'csv') {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const res = await api.call({
        resource: '/api/bounces',
        query: { per_page: '1000', order: 'asc', format, ...(cursor ? { cursor } : {}) },
      });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      sizes.push(lambdaPayloadBytes(res));
      expect(payloadBytes(res.text)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES + 64 * 1024);
      if (format === 'json') {
        seen.push(...res.body.data.results.map((b: { id: string }) => b.id));
        cursor = res.body.data.next_cursor ?? undefined;
      } else {
        seen.push(...(parse(res.text, { columns: true }) as { id: string }[]).map((r) => r.id));
        cursor = res.headers['X-Next-Cursor'];
      }
      if (!cursor) break;
    }
    return { seen, sizes };
  }

  it('keeps every JSON page under Lambda’s 6 MB, and the cursors deliver each bounce once', async () => {
    const { seen, sizes } = await follow('json');
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(seen).toEqual(ids);
  }, 120_000);

  it('keeps every CSV page under Lambda’s 6 MB, and the cursors deliver each bounce once', async () => {
    const { seen, sizes } = await follow('csv');
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(seen).toEqual(ids);
  }, 120_000);
});

describe("a subscriber's bounce list, cut by bytes too (memory stores: the route is what is tested)", () => {
  it('keeps every page under the budget, and the cursors deliver each bounce once', async () => {
    const stores = createMemoryStores();
    const api = await apiHarness({ record: { ...recordDeps(stores), clock: new FakeClock() } });
    const uuid = '11111111-1111-4111-8111-111111111111';
    await stores.subscribers.create(bareSubscriber('ann@example.com', uuid, '2026-10-01T00:00:00Z'));
    const start = Date.parse('2026-10-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const at = start + i * 1000;
      const id = ulidIds().next(at);
      ids.push(id);
      await stores.bounces.put({
        id,
        email: 'ann@example.com',
        type: 'soft',
        reason: 'unknown',
        source: 'api',
        meta: { ...META, n: i },
        created_at: new Date(at).toISOString(),
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api.call({
        resource: '/api/subscribers/{uuid}/bounces',
        pathParameters: { uuid },
        query: { per_page: '1000', order: 'asc', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(lambdaPayloadBytes(res)).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
      seen.push(...res.body.data.results.map((b: { id: string }) => b.id));
      cursor = res.body.data.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(ids);
  });
});
