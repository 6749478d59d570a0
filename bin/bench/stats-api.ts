import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchWrite, type WriteRequest } from '../../lambdas/adapters/dynamodb/batch.js';
import { bounceToItem } from '../../lambdas/adapters/dynamodb/bounce-item.js';
import { DynamoDbStatsStore, STATS_SHARDS } from '../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { Bounce } from '../../lambdas/core/bounces/bounce.js';
import { REASONS } from '../../lambdas/core/bounces/reasons.js';
import { counterNames, statsDay } from '../../lambdas/core/stats/counters.js';
import { getStats } from '../../lambdas/core/stats/get-stats.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { summarise } from './stats.js';

const TABLE = 'stmails-bench-stats';
const BOUNCES = 100_000;
const DAYS = 90;
const RUNS = 30;
const NOW = new Date('2026-11-29T12:00:00.000Z');
const TYPES = ['hard', 'soft', 'complaint'] as const;

function syntheticBounces(): Bounce[] {
  const ids = ulidIds();
  const out: Bounce[] = [];
  for (let i = 0; i < BOUNCES; i += 1) {
    const at = new Date(NOW.getTime() - (i % DAYS) * 86_400_000 - (i % 3_600) * 1000).toISOString();
    out.push({
      id: ids.next(Date.parse(at)),
      email: `user${i % 20_000}@bench.example.com`,
      type: TYPES[i % 3] as Bounce['type'],
      reason: REASONS[i % REASONS.length] as Bounce['reason'],
      source: ['ses', 'sendgrid', 'postmark', 'api', 'pop3:bounces@example.com'][i % 5] as string,
      campaign_uuid: `00000000-0000-4000-8000-${String(i % 40).padStart(12, '0')}`,
      meta: {},
      created_at: at,
    });
  }
  return out;
}

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * `GET /api/stats` over 90 days with 100,000 bounces stored: the bounces are written as the store
 * writes them (bounce items, their index keys), the counters as recording leaves them (spread over
 * the day shards). Baseline: one GetItem on the same dynalite.
 */
export async function benchStatsApi(): Promise<string[]> {
  const ddb = await startDynalite();
  const client = new DynamoDBClient(localClientConfig(ddb.endpoint));
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    await ensureTable(ddb.endpoint, TABLE);
    const bounces = syntheticBounces();
    const started = performance.now();
    const requests: WriteRequest[] = bounces.map((b) => ({ PutRequest: { Item: bounceToItem(b) } }));
    const lanes = 8;
    const per = Math.ceil(requests.length / lanes);
    await Promise.all(
      Array.from({ length: lanes }, (_, l) => batchWrite(db, TABLE, requests.slice(l * per, (l + 1) * per))),
    );
    // The counters recording would have left: each bounce on one shard of its day.
    const shards = new Map<string, Record<string, number>>();
    bounces.forEach((b, i) => {
      const key = `${statsDay(b)}|${i % STATS_SHARDS}`;
      const counters = shards.get(key) ?? {};
      for (const name of counterNames(b)) counters[name] = (counters[name] ?? 0) + 1;
      shards.set(key, counters);
    });
    for (const [key, counters] of shards) {
      const [day, shard] = key.split('|');
      await db.send(
        new PutCommand({ TableName: TABLE, Item: { pk: `STATS#${day}`, sk: `S#${shard}`, ...counters } }),
      );
    }
    console.log(
      `  seeded ${BOUNCES} bounces over ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const stats = new DynamoDbStatsStore(db, TABLE);
    const clock = { now: () => NOW };
    const from = new Date(NOW.getTime() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const baseline = summarise(
      await timed(() => db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'STATS#x', sk: 'S#0' } }))),
    );
    const lines = [`baseline one GetItem: p50 ${baseline.p50.toFixed(1)} ms`];
    for (const group of ['day', 'reason', 'campaign'] as const) {
      let total = 0;
      const s = summarise(
        await timed(async () => {
          const { buckets } = await getStats({ stats, clock }, { from, group_by: group });
          total = buckets.reduce((n, b) => n + b.hard + b.soft + b.complaint, 0);
        }),
      );
      lines.push(
        `GET /api/stats 90 days group_by=${group} at ${BOUNCES} bounces: p50 ${s.p50.toFixed(1)} ms, ` +
          `p90 ${s.p90.toFixed(1)} ms (${(s.p50 / baseline.p50).toFixed(1)}x one GetItem; counted ${total})`,
      );
    }
    for (const line of lines.slice(1)) console.log(`  ${line}`);
    return lines;
  } finally {
    client.destroy();
    await ddb.close();
  }
}
