import { BOUNCE_TYPES, type Bounce, type BounceType } from '../bounces/bounce.js';

/** What `GET /api/stats` can group by. */
export const STATS_GROUPS = ['day', 'type', 'reason', 'source', 'campaign'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

/**
 * One day's counters by name. A name is `<dimension>#<value>#<type>` (`t#all#hard`,
 * `r#user_unknown#soft`, `s#ses#hard`, `c#<campaign uuid>#complaint`): every dimension of one bounce
 * lives in one day item, so counting a bounce is one write whatever the number of dimensions.
 */
export type DayCounters = Record<string, number>;

const DIMENSION: Record<Exclude<StatsGroup, 'day' | 'type'>, string> = {
  reason: 'r',
  source: 's',
  campaign: 'c',
};
const TOTAL = 't#all';

/** The UTC day (`yyyy-mm-dd`) a bounce counts on: the day it happened. */
export function statsDay(bounce: Pick<Bounce, 'created_at'>): string {
  return bounce.created_at.slice(0, 10);
}

/** The counters one bounce adds to its day. A bounce without a campaign counts in no campaign. */
export function counterNames(bounce: Pick<Bounce, 'type' | 'reason' | 'source' | 'campaign_uuid'>): string[] {
  const names = [
    `${TOTAL}#${bounce.type}`,
    `${DIMENSION.reason}#${bounce.reason}#${bounce.type}`,
    `${DIMENSION.source}#${bounce.source}#${bounce.type}`,
  ];
  if (bounce.campaign_uuid) names.push(`${DIMENSION.campaign}#${bounce.campaign_uuid}#${bounce.type}`);
  return names;
}

/** Every bounce's counters summed per day (what a rebuild writes). */
export function countBounces(
  bounces: Iterable<Bounce>,
  into = new Map<string, DayCounters>(),
): Map<string, DayCounters> {
  for (const bounce of bounces) {
    const day = statsDay(bounce);
    let counters = into.get(day);
    if (!counters) {
      counters = {};
      into.set(day, counters);
    }
    for (const name of counterNames(bounce)) counters[name] = (counters[name] ?? 0) + 1;
  }
  return into;
}

export interface StatsBucket {
  key: string;
  hard: number;
  soft: number;
  complaint: number;
}

function parseName(name: string): { prefix: string; value: string; type: BounceType } | null {
  const first = name.indexOf('#');
  const last = name.lastIndexOf('#');
  if (first < 0 || last <= first) return null;
  const type = name.slice(last + 1);
  if (!(BOUNCE_TYPES as readonly string[]).includes(type)) return null;
  // Sources are callers' strings and may hold `#`: the value is everything between the outer two.
  return { prefix: name.slice(0, first), value: name.slice(first + 1, last), type: type as BounceType };
}

function emptyBucket(key: string): StatsBucket {
  return { key, hard: 0, soft: 0, complaint: 0 };
}

function total(b: StatsBucket): number {
  return b.hard + b.soft + b.complaint;
}

/** Every UTC day from `from` to `to` (both `yyyy-mm-dd`), in order. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Buckets for one grouping. `day` lists every day of the range, zeros included, oldest first (a
 * chart's x axis); the others list what occurred, largest total first, ties by key.
 */
export function toBuckets(
  days: ReadonlyMap<string, DayCounters>,
  group: StatsGroup,
  range: string[],
): StatsBucket[] {
  if (group === 'day') {
    return range.map((day) => {
      const bucket = emptyBucket(day);
      for (const [name, n] of Object.entries(days.get(day) ?? {})) {
        const parsed = parseName(name);
        if (parsed && `${parsed.prefix}#${parsed.value}` === TOTAL) bucket[parsed.type] += n;
      }
      return bucket;
    });
  }
  const prefix = group === 'type' ? 't' : DIMENSION[group];
  const buckets = new Map<string, StatsBucket>();
  for (const day of range) {
    for (const [name, n] of Object.entries(days.get(day) ?? {})) {
      const parsed = parseName(name);
      if (!parsed || parsed.prefix !== prefix) continue;
      const key = group === 'type' ? parsed.type : parsed.value;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = emptyBucket(key);
        buckets.set(key, bucket);
      }
      bucket[parsed.type] += n;
    }
  }
  return [...buckets.values()]
    .filter((b) => total(b) !== 0)
    .sort((a, b) => total(b) - total(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
