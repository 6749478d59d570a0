import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BOUNCE_TYPES, type Bounce, type ListedBounce } from '../../core/bounces/bounce.js';
import type { BounceQuery } from '../../core/bounces/bounce-query.js';
import type { BouncePage } from '../../core/ports.js';
import type { CursorSigner } from '../cursor-signer.js';
import { type Item, itemToBounce, positionOf } from './bounce-item.js';
import { storage } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { BOUNCE_PREFIX, HIGH, keys, listKeys, SHARDS } from './keys.js';
import { INDEX } from './table.js';

/**
 * Sequential query rounds one page may cost. Only a listing that filters inside a key (`email` with
 * other filters, or `campaign_uuid` with `source`) can need many; every single filter and the pairs
 * `source`+`type` and `campaign_uuid`+`type` read only matching items.
 */
const MAX_ROUNDS = 25;
/** Smallest Limit a stream is read with: tiny reads cost a round trip each for almost nothing. */
const MIN_READ = 16;
/** Streams read a little more than their share, so a page rarely needs a second round. */
const OVERSAMPLE = 1.25;

/** One key range read in list order: a shard of an index key, or the subscriber's partition. */
interface Stream {
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;
  filtered: boolean;
  buffer: Item[];
  start?: Record<string, unknown>;
  done: boolean;
  /** List position of the last item this stream evaluated (returned or filtered out). */
  readTo?: string;
}

interface Plan {
  /** Table (the subscriber's partition) or index key ranges to merge. */
  keys: { index?: string; pkName: string; pkValue: string; skName: string; prefix: string }[];
  filters: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

function shards<T>(make: (shard: number) => T): T[] {
  return Array.from({ length: SHARDS }, (_, shard) => make(shard));
}

/**
 * Picks the key ranges that hold exactly the matching bounces wherever the layout allows (README
 * "Data model"): `email` reads the subscriber's partition; `campaign_uuid` and `source` their
 * per-type shards; `type` its shards; nothing, every shard of all bounces. Only the filters no key
 * covers become a FilterExpression.
 */
export function planQuery(q: BounceQuery): Plan {
  const plan: Plan = { keys: [], filters: [], names: {}, values: {} };
  const filter = (field: 'campaign_uuid' | 'source' | 'type', value: string | undefined) => {
    if (value === undefined) return;
    plan.names[`#${field}`] = field;
    plan.values[`:${field}`] = value;
    plan.filters.push(`#${field} = :${field}`);
  };
  const types = q.type ? [q.type] : BOUNCE_TYPES;
  const index = (i: { name: string; pk: string; sk: string }, pkValue: string) => ({
    index: i.name,
    pkName: i.pk,
    pkValue,
    skName: i.sk,
    prefix: '',
  });
  if (q.email) {
    plan.keys.push({
      pkName: 'pk',
      pkValue: keys.subscriber(q.email).pk,
      skName: 'sk',
      prefix: BOUNCE_PREFIX,
    });
    filter('campaign_uuid', q.campaign_uuid);
    filter('source', q.source);
    filter('type', q.type);
    // A deleted bounce that claimed its own event key stays in the partition, listed nowhere.
    plan.filters.push('attribute_not_exists(deleted)');
  } else if (q.campaign_uuid) {
    const campaign = q.campaign_uuid;
    plan.keys.push(
      ...types.flatMap((t) => shards((s) => index(INDEX.campaign, listKeys.campaign(campaign, t, s)))),
    );
    filter('source', q.source);
  } else if (q.source) {
    const source = q.source;
    plan.keys.push(
      ...types.flatMap((t) => shards((s) => index(INDEX.source, listKeys.source(source, t, s)))),
    );
  } else if (q.type) {
    const type = q.type;
    plan.keys.push(...shards((s) => index(INDEX.type, listKeys.type(type, s))));
  } else {
    plan.keys.push(...shards((s) => index(INDEX.all, listKeys.all(s))));
  }
  return plan;
}

/** `a` comes before `b` in the listing's order. */
function before(order: BounceQuery['order'], a: string, b: string): boolean {
  return order === 'asc' ? a < b : a > b;
}

/** The streams of a plan, each limited to the time bounds and to what lies beyond `after`. */
function streamsFor(table: string, q: BounceQuery, plan: Plan, after: string | undefined): Stream[] {
  let lo = q.from ?? '';
  let hi = q.to ? `${q.to}#${HIGH}` : HIGH;
  // Inclusive at the cursor's position: the bounce at it is skipped when read (one item, one shard).
  if (after !== undefined && q.order === 'asc' && after > lo) lo = after;
  if (after !== undefined && q.order === 'desc' && after < hi) hi = after;
  if (lo > hi) return [];
  return plan.keys.map((key) => ({
    input: {
      TableName: table,
      ...(key.index ? { IndexName: key.index } : { ConsistentRead: true }),
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ...(plan.filters.length ? { FilterExpression: plan.filters.join(' AND ') } : {}),
      ExpressionAttributeNames: { ...plan.names, '#pk': key.pkName, '#sk': key.skName },
      ExpressionAttributeValues: {
        ...plan.values,
        ':pk': key.pkValue,
        ':lo': `${key.prefix}${lo}`,
        ':hi': `${key.prefix}${hi}`,
      },
      ScanIndexForward: q.order === 'asc',
    },
    filtered: plan.filters.length > 0,
    buffer: [],
    done: false,
  }));
}

async function read(db: DynamoDBDocumentClient, stream: Stream, limit: number, after?: string) {
  const res = await storage('list bounces', () =>
    db.send(new QueryCommand({ ...stream.input, Limit: limit, ExclusiveStartKey: stream.start })),
  );
  for (const item of res.Items ?? []) if (positionOf(item) !== after) stream.buffer.push(item);
  stream.start = res.LastEvaluatedKey;
  stream.done = !res.LastEvaluatedKey;
  if (res.LastEvaluatedKey) stream.readTo = positionOf(res.LastEvaluatedKey);
}

interface Merged {
  items: Item[];
  /** Where the next page starts (exclusive), or null when nothing matches beyond this page. */
  next: string | null;
}

/**
 * Merges the streams in list order until the page holds `want` bounces and one more is known to
 * exist, or every stream ends. A stream whose buffer runs dry is read again before anything after
 * its last read position is emitted. Reads run concurrently, a bounded number of rounds.
 */
async function merge(
  db: DynamoDBDocumentClient,
  streams: Stream[],
  order: BounceQuery['order'],
  want: number,
  after: string | undefined,
): Promise<Merged> {
  const items: Item[] = [];
  for (let rounds = 0; ; ) {
    if (items.length === want) {
      if (streams.some((s) => s.buffer.length > 0)) return { items, next: positionOf(items.at(-1) as Item) };
      if (streams.every((s) => s.done)) return { items, next: null };
    }
    const dry = streams.filter((s) => !s.done && s.buffer.length === 0);
    if (dry.length > 0) {
      if (rounds++ >= MAX_ROUNDS) return outOfRounds(streams, items, order, want, after);
      // One more than the page, so a page that ends exactly at the last match says so.
      const need = want + 1 - items.length;
      const active = streams.filter((s) => !s.done).length;
      await Promise.all(
        dry.map((s) => {
          const share = s.filtered ? need : Math.ceil((need * OVERSAMPLE) / active);
          return read(db, s, Math.min(1000, Math.max(MIN_READ, share)), after);
        }),
      );
      continue;
    }
    let best: Stream | undefined;
    for (const s of streams) {
      const head = s.buffer[0];
      if (head && (!best || before(order, positionOf(head), positionOf(best.buffer[0] as Item)))) best = s;
    }
    if (!best) return { items, next: null };
    items.push(best.buffer.shift() as Item);
  }
}

/**
 * The read budget ran out while a filter dropped what some stream read. Every stream has read at
 * least to the least advanced dry stream's position, so buffered bounces up to there are settled:
 * they are emitted, and the next page starts there. Progress is certain: each dry stream read on.
 */
function outOfRounds(
  streams: Stream[],
  items: Item[],
  order: BounceQuery['order'],
  want: number,
  after: string | undefined,
): Merged {
  if (items.length === want) return { items, next: positionOf(items.at(-1) as Item) };
  let frontier: string | undefined;
  for (const s of streams) {
    if (s.done || s.buffer.length > 0 || s.readTo === undefined) continue;
    if (frontier === undefined || before(order, s.readTo, frontier)) frontier = s.readTo;
  }
  const settled = streams
    .flatMap((s) => s.buffer)
    .filter((item) => frontier === undefined || !before(order, frontier, positionOf(item)))
    .sort((a, b) => (before(order, positionOf(a), positionOf(b)) ? -1 : 1));
  items.push(...settled.slice(0, want - items.length));
  const last = items.length === want ? positionOf(items.at(-1) as Item) : frontier;
  return { items, next: last ?? after ?? null };
}

export async function listBounces(
  db: DynamoDBDocumentClient,
  table: string,
  cursors: CursorSigner,
  q: BounceQuery,
  addStatus: (bounces: Bounce[]) => Promise<ListedBounce[]>,
): Promise<BouncePage> {
  const after = q.cursor ? (await decodeCursor(cursors, q, q.cursor, { ts: null })).ts : undefined;
  const streams = streamsFor(table, q, planQuery(q), after);
  const { items, next } = await merge(db, streams, q.order, q.per_page, after);
  return {
    results: await addStatus(items.map(itemToBounce)),
    next_cursor: next === null ? null : await encodeCursor(cursors, q, { ts: next }),
  };
}
