import type { Clock } from '../ports.js';
import { type StatsBucket, toBuckets } from './counters.js';
import type { StatsStore } from './ports.js';
import { parseStatsQuery } from './stats-query.js';

/** `GET /api/stats`: buckets for one grouping over a range of UTC days, read from the day counters. */
export async function getStats(
  deps: { stats: StatsStore; clock: Clock },
  params: { from?: string; to?: string; group_by?: string },
): Promise<{ buckets: StatsBucket[] }> {
  const query = parseStatsQuery(params, deps.clock.now());
  const days = await deps.stats.read(query.days);
  return { buckets: toBuckets(days, query.group, query.days) };
}
