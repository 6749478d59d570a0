import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Bounce } from '../../core/bounces/bounce.js';
import { counterNames, type DayCounters, statsDay } from '../../core/stats/counters.js';
import type { StatsStore } from '../../core/stats/ports.js';
import { batchGet, batchWrite, type WriteRequest } from './batch.js';
import { storage } from './client.js';

/**
 * Counters live in one partition per UTC day (`STATS#<yyyy-mm-dd>`), spread over SHARDS items
 * (`S#<n>`) picked at random per write, so no single item takes every bounce of a busy day. Each
 * item holds every dimension as a top-level number (`r#user_unknown#hard`, ...), which is why one
 * bounce costs one UpdateItem (ADD works on top-level attributes only). A read sums a day's shards.
 * The range asked for is limited (366 days), so a read is at most 30 BatchGetItem requests.
 */
export const STATS_SHARDS = 8;
/** Counters one UpdateItem adds, well inside DynamoDB's 4 KB expression limit. */
const PER_UPDATE = 50;
/** BatchGetItem's limit. */
const BATCH_KEYS = 100;

const dayKey = (day: string) => `STATS#${day}`;
const shardKey = (shard: number) => `S#${shard}`;

export interface StatsStoreOptions {
  /**
   * Told when a counter write failed. Counting never fails the recording or the delete it follows:
   * the bounce is stored (or gone) either way, and a retry would find nothing new to count.
   * `npm run stats -- rebuild` recomputes the counters.
   */
  onError?: (error: unknown, what: string) => void;
  /** Picks the shard a write goes to (tests pin it). */
  shard?: () => number;
}

export class DynamoDbStatsStore implements StatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: StatsStoreOptions = {},
  ) {}

  private async add(day: string, deltas: Map<string, number>): Promise<void> {
    const entries = [...deltas].filter(([, n]) => n !== 0);
    for (let i = 0; i < entries.length; i += PER_UPDATE) {
      const chunk = entries.slice(i, i + PER_UPDATE);
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const parts = chunk.map(([name, n], j) => {
        names[`#c${j}`] = name;
        values[`:v${j}`] = n;
        return `#c${j} :v${j}`;
      });
      const shard = this.options.shard?.() ?? Math.floor(Math.random() * STATS_SHARDS);
      await storage('update statistics', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: dayKey(day), sk: shardKey(shard) },
            UpdateExpression: `ADD ${parts.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    }
  }

  private async guarded(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!this.options.onError) throw error;
      this.options.onError(error, what);
    }
  }

  increment(bounce: Bounce): Promise<void> {
    return this.guarded('count bounce', () =>
      this.add(statsDay(bounce), new Map(counterNames(bounce).map((name) => [name, 1]))),
    );
  }

  decrement(bounces: readonly Bounce[]): Promise<void> {
    return this.guarded('uncount deleted bounces', async () => {
      const byDay = new Map<string, Map<string, number>>();
      for (const b of bounces) {
        const day = statsDay(b);
        let deltas = byDay.get(day);
        if (!deltas) {
          deltas = new Map();
          byDay.set(day, deltas);
        }
        for (const name of counterNames(b)) deltas.set(name, (deltas.get(name) ?? 0) - 1);
      }
      await Promise.all([...byDay].map(([day, deltas]) => this.add(day, deltas)));
    });
  }

  /**
   * Every shard item of every day by key, 100 keys per BatchGetItem and those requests at once: a
   * 90-day answer is 8 requests (a Query per day would be 90).
   */
  async read(days: readonly string[]): Promise<Map<string, DayCounters>> {
    const keys = days.flatMap((day) =>
      Array.from({ length: STATS_SHARDS }, (_, shard) => ({ pk: dayKey(day), sk: shardKey(shard) })),
    );
    const chunks: (typeof keys)[] = [];
    for (let i = 0; i < keys.length; i += BATCH_KEYS) chunks.push(keys.slice(i, i + BATCH_KEYS));
    const items = (await Promise.all(chunks.map((chunk) => batchGet(this.db, this.table, chunk)))).flat();
    const out = new Map<string, DayCounters>();
    for (const item of items) {
      const day = String(item.pk).slice('STATS#'.length);
      const sum = out.get(day) ?? {};
      for (const [name, value] of Object.entries(item)) {
        if (name === 'pk' || name === 'sk' || typeof value !== 'number') continue;
        sum[name] = (sum[name] ?? 0) + value;
      }
      out.set(day, sum);
    }
    return out;
  }

  async replace(day: string, counters: DayCounters): Promise<void> {
    const pk = dayKey(day);
    const requests: WriteRequest[] = [];
    const nonZero = Object.entries(counters).filter(([, n]) => n !== 0);
    if (nonZero.length)
      requests.push({ PutRequest: { Item: { pk, sk: shardKey(0), ...Object.fromEntries(nonZero) } } });
    else requests.push({ DeleteRequest: { Key: { pk, sk: shardKey(0) } } });
    for (let shard = 1; shard < STATS_SHARDS; shard += 1) {
      requests.push({ DeleteRequest: { Key: { pk, sk: shardKey(shard) } } });
    }
    await batchWrite(this.db, this.table, requests);
  }
}
