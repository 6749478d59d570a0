import type { Bounce } from '../bounces/bounce.js';
import type { DayCounters } from './counters.js';

/**
 * Per-day bounce counters, kept as bounces are recorded and deleted, so statistics over months never
 * read the bounces themselves.
 */
export interface StatsStore {
  /** Counts a bounce that was just stored as new (never a duplicate). */
  increment(bounce: Bounce): Promise<void>;
  /** Uncounts bounces that were just deleted. */
  decrement(bounces: readonly Bounce[]): Promise<void>;
  /** The counters of each listed UTC day that has any. */
  read(days: readonly string[]): Promise<Map<string, DayCounters>>;
  /** Replaces a day's counters with these (a rebuild); an empty object clears the day. */
  replace(day: string, counters: DayCounters): Promise<void>;
}
