import type { BounceStore, Clock } from '../ports.js';
import { countBounces, type DayCounters, daysBetween } from './counters.js';
import type { StatsStore } from './ports.js';

const PAGE = 1000;

export interface RebuildReport {
  bounces: number;
  /** Days whose counters were written (with bounces) or cleared (without). */
  days: number;
  from: string | null;
  to: string;
}

/**
 * Recomputes every day's counters from the stored bounces: reads all bounces oldest first (the
 * cursor-paged list, no Scan), then replaces each day from the first bounce's day (or `from`, if
 * earlier) to today, clearing days that no longer hold any. Counts recorded while it runs may be
 * off by those bounces; run it again when that matters.
 */
export async function rebuildStats(
  deps: { bounces: BounceStore; stats: StatsStore; clock: Clock },
  options: { from?: string; onProgress?: (bounces: number) => void } = {},
): Promise<RebuildReport> {
  const counted = new Map<string, DayCounters>();
  let cursor: string | undefined;
  let total = 0;
  do {
    const page = await deps.bounces.list({ order: 'asc', per_page: PAGE, ...(cursor ? { cursor } : {}) });
    countBounces(page.results, counted);
    total += page.results.length;
    options.onProgress?.(total);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  const today = deps.clock.now().toISOString().slice(0, 10);
  const firstDay = [...counted.keys()].sort()[0];
  const from = [firstDay, options.from].filter((d): d is string => !!d).sort()[0] ?? null;
  // Bounces dated in the future (a sender's clock) still count on their own day.
  const lastDay = [today, ...counted.keys()].sort().at(-1) as string;
  const days = from ? daysBetween(from, lastDay) : [];
  for (let i = 0; i < days.length; i += 16) {
    await Promise.all(days.slice(i, i + 16).map((day) => deps.stats.replace(day, counted.get(day) ?? {})));
  }
  return { bounces: total, days: days.length, from, to: lastDay };
}
