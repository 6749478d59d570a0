import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { bounceToItem } from '../../lambdas/adapters/dynamodb/bounce-item.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { subscriberToItem } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { SCHEMA_VERSION } from '../../lambdas/adapters/dynamodb/keys.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { Bounce, BounceType } from '../../lambdas/core/bounces/bounce.js';
import type { BounceQuery } from '../../lambdas/core/bounces/bounce-query.js';
import { bareSubscriber } from '../../lambdas/core/subscribers/subscriber.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { markSchema } from '../migrate/migrate-table.js';
import { formatCount, formatMs, table } from './stats.js';

/** The same table name `npm start` uses, so `STMAILS_DATA_DIR=<dir> npm start` serves what is generated. */
const TABLE = 'stmails-bounce';
const SIZES = [1_000, 200_000] as const;
/**
 * Addresses, taken in turn: any 1,000 consecutive bounces name 1,000 distinct subscribers at both sizes,
 * so a page's subscriber-status lookups are the same work at both.
 */
const ADDRESSES = 1_000;
/** Changes when the generated data's shape does, so an old data dir is generated again. */
const SHAPE = 2;
const CAMPAIGNS = Array.from({ length: 7 }, (_, i) => `c0ffee00-0000-4000-8000-00000000000${i}`);
const SPAN_MS = 30 * 86_400_000;
const END = Date.parse('2026-06-30T00:00:00.000Z');
const PAGES = 3;
const REPEATS = 15;
const WRITES_IN_FLIGHT = 8;

function dataDirFor(size: number): string {
  const base = process.env.STMAILS_BENCH_DATA_DIR ?? join(tmpdir(), 'stmails-bench-lists');
  return join(base, String(size));
}

/** The i-th of n bounces: 30 days of them, addresses in turn, 30% hard, 60% soft, 10% complaints. */
function bounceAt(i: number, n: number, ids: ReturnType<typeof ulidIds>): Bounce {
  const at = END - SPAN_MS + Math.floor((i * SPAN_MS) / n);
  const kind = i % 10;
  const type: BounceType = kind < 3 ? 'hard' : kind < 9 ? 'soft' : 'complaint';
  return {
    id: ids.next(at),
    email: `user${i % ADDRESSES}@example.com`,
    type,
    reason: type === 'complaint' ? 'complaint' : type === 'hard' ? 'user_unknown' : 'mailbox_full',
    source: Math.floor(i / 10) % 2 ? 'ses' : 'api',
    campaign_uuid: CAMPAIGNS[i % CAMPAIGNS.length] as string,
    meta: { i },
    created_at: new Date(at).toISOString(),
  };
}

async function writeAll(db: DynamoDBDocumentClient, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const res = await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
        pending = (res.UnprocessedItems?.[TABLE] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
}

/**
 * Generates `size` bounces and their subscribers into a data dir `npm start` can serve
 * (STMAILS_DATA_DIR), once; later runs reuse it.
 */
async function generate(size: number): Promise<string> {
  const dir = dataDirFor(size);
  const marker = join(dir, 'generated.json');
  const wanted = JSON.stringify({ size, layout: SCHEMA_VERSION, shape: SHAPE });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return dir;
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const store = await startDynalite(dir);
  const client = new DynamoDBClient(localClientConfig(store.endpoint));
  try {
    await ensureTable(store.endpoint, TABLE);
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await markSchema(db, TABLE, new Date().toISOString());
    const ids = ulidIds();
    const subscribers = Array.from({ length: ADDRESSES }, (_, a) => {
      const s = bareSubscriber(`user${a}@example.com`, undefined, new Date(END - SPAN_MS).toISOString());
      // One in twenty blocklisted, so listings show more than one status.
      return subscriberToItem(a % 20 === 0 ? { ...s, status: 'blocklisted' } : s);
    });
    await writeAll(db, subscribers);
    const chunk = 10_000;
    for (let i = 0; i < size; i += chunk) {
      const items = [];
      for (let j = i; j < Math.min(size, i + chunk); j++) items.push(bounceToItem(bounceAt(j, size, ids)));
      await writeAll(db, items);
      if (size > chunk)
        process.stdout.write(`\r  generating ${formatCount(i + items.length)} / ${formatCount(size)}`);
    }
    if (size > chunk) process.stdout.write('\n');
  } finally {
    client.destroy();
    await store.close();
  }
  writeFileSync(marker, wanted);
  console.log(
    `  generated ${formatCount(size)} bounces in ${((performance.now() - started) / 1000).toFixed(0)} s into ${dir}` +
      ` (STMAILS_DATA_DIR=${dir} npm start serves them)`,
  );
  return dir;
}

interface ListCase {
  label: string;
  query: Omit<BounceQuery, 'order'>;
}

const FROM_10_DAYS = new Date(END - 10 * 86_400_000).toISOString();

/** Page sizes every case fills at 1,000 stored bounces too, so both sizes compare full pages. */
const CASES: ListCase[] = [
  { label: 'every bounce', query: { per_page: 1000 } },
  { label: 'type=soft', query: { type: 'soft', per_page: 500 } },
  { label: 'source=api&type=hard', query: { source: 'api', type: 'hard', per_page: 100 } },
  { label: 'source=ses', query: { source: 'ses', per_page: 400 } },
  { label: 'campaign_uuid+type=soft', query: { campaign_uuid: CAMPAIGNS[3], type: 'soft', per_page: 50 } },
  { label: 'last 10 days', query: { from: FROM_10_DAYS, per_page: 300 } },
  { label: 'email', query: { email: 'user7@example.com', per_page: 1 } },
];

interface PageCost {
  rows: number;
  ms: number;
  requests: number;
  itemsRead: number;
}

function countingClient(endpoint: string) {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const counts = { requests: 0, itemsRead: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.requests++;
      const out = await next(args);
      if (context.commandName === 'QueryCommand') {
        counts.itemsRead += (out.output as { ScannedCount?: number }).ScannedCount ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'benchCountReads' },
  );
  return { client, counts };
}

interface Store {
  bounces: DynamoDbBounceStore;
  counts: { requests: number; itemsRead: number };
  close(): Promise<void>;
}

async function openStore(size: number): Promise<Store> {
  const dir = await generate(size);
  const store = await startDynalite(dir);
  const { client, counts } = countingClient(store.endpoint);
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    bounces: new DynamoDbBounceStore(db, TABLE, new CursorSigner(new MemorySecretStore())),
    counts,
    close: async () => {
      client.destroy();
      await store.close();
    },
  };
}

/** The first PAGES pages of a listing, newest first: one sample per page. */
async function walk(store: Store, c: ListCase): Promise<PageCost[]> {
  const samples: PageCost[] = [];
  let cursor: string | undefined;
  for (let p = 0; p < PAGES; p++) {
    const before = { ...store.counts };
    const t0 = performance.now();
    const page = await store.bounces.list({ ...c.query, order: 'desc', ...(cursor ? { cursor } : {}) });
    JSON.stringify(page);
    samples.push({
      rows: page.results.length,
      ms: performance.now() - t0,
      requests: store.counts.requests - before.requests,
      itemsRead: store.counts.itemsRead - before.itemsRead,
    });
    cursor = page.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return samples;
}

function median(samples: PageCost[]): PageCost {
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return {
    rows: mid(samples.map((s) => s.rows)),
    ms: mid(samples.map((s) => s.ms)),
    requests: mid(samples.map((s) => s.requests)),
    itemsRead: mid(samples.map((s) => s.itemsRead)),
  };
}

/**
 * A page's cost at 1,000 and at 200,000 stored bounces (dynalite on disk, the real SDK, the store's
 * listing with subscriber statuses): time, DynamoDB requests and items read per page, and the ratios.
 */
export async function benchLists(): Promise<string[]> {
  const stores = [await openStore(SIZES[0]), await openStore(SIZES[1])] as const;
  const small: PageCost[] = [];
  const large: PageCost[] = [];
  try {
    // Warm the JIT and both stores' caches, then alternate between the stores, so a busy moment on
    // this shared machine falls on both sizes alike.
    for (const c of CASES) for (const store of stores) await walk(store, c);
    for (const c of CASES) {
      const samples: [PageCost[], PageCost[]] = [[], []];
      for (let r = 0; r < REPEATS; r++) {
        samples[0].push(...(await walk(stores[0], c)));
        samples[1].push(...(await walk(stores[1], c)));
      }
      small.push(median(samples[0]));
      large.push(median(samples[1]));
    }
  } finally {
    for (const store of stores) await store.close();
  }
  const rows = CASES.map((c, i) => {
    const a = small[i] as PageCost;
    const b = large[i] as PageCost;
    return [
      c.label,
      String(c.query.per_page),
      `${a.rows} / ${b.rows}`,
      `${a.requests} / ${b.requests}`,
      `${a.itemsRead} / ${b.itemsRead}`,
      `${formatMs(a.ms)} / ${formatMs(b.ms)}`,
      `${(b.ms / a.ms).toFixed(2)}x`,
    ];
  });
  const header = [
    `query (newest first; ${formatCount(SIZES[0])} / ${formatCount(SIZES[1])} stored)`,
    'per_page',
    'rows',
    'requests',
    'items read',
    'time per page (median)',
    'time ratio',
  ];
  for (const line of table([header, ...rows])) console.log(`  ${line}`);
  console.log(
    '  (items read: a page reads its rows plus a bounded overshoot per shard; with 1,000 stored the shards ' +
      'run out sooner, so they read less)',
  );
  const ratios = CASES.map((_, i) => (large[i] as PageCost).ms / (small[i] as PageCost).ms);
  const total = (costs: PageCost[]) => costs.reduce((sum, c) => sum + c.ms, 0);
  const reads = CASES.map((_, i) => (large[i] as PageCost).itemsRead / (small[i] as PageCost).itemsRead);
  return [
    `page at ${formatCount(SIZES[1])} vs ${formatCount(SIZES[0])} stored: every bounce (per_page 1000) ` +
      `${(ratios[0] as number).toFixed(2)}x the time; all cases together ${(total(large) / total(small)).toFixed(2)}x ` +
      `(each ${Math.min(...ratios).toFixed(2)}-` +
      `${Math.max(...ratios).toFixed(2)}x); items read ${Math.min(...reads).toFixed(2)}-` +
      `${Math.max(...reads).toFixed(2)}x`,
  ];
}
