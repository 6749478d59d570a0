import { ValidationError } from '../errors.js';
import { parseTimestamp } from '../timestamp.js';
import { daysBetween, STATS_GROUPS, type StatsGroup } from './counters.js';

/** The widest range one request may ask for: a year and a day, so a year-on-year view fits. */
export const MAX_STATS_DAYS = 366;
/** `from`/`to` default to the last 30 days, today included. */
export const DEFAULT_STATS_DAYS = 30;

export interface StatsQuery {
  group: StatsGroup;
  /** Every UTC day asked for, oldest first. */
  days: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date, or a timestamp counted on its UTC day. */
function toDay(value: string, field: string): string {
  if (!DATE.test(value)) return parseTimestamp(value, field).slice(0, 10);
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new ValidationError(field, 'is not a valid date');
  }
  return value;
}

/** Reads `from`, `to` and `group_by` (UTC days, both ends included). */
export function parseStatsQuery(
  params: { from?: string; to?: string; group_by?: string },
  now: Date,
): StatsQuery {
  const group = (params.group_by ?? 'day') as StatsGroup;
  if (!STATS_GROUPS.includes(group)) {
    throw new ValidationError('group_by', `must be one of ${STATS_GROUPS.join(', ')}`);
  }
  const today = now.toISOString().slice(0, 10);
  const to = params.to !== undefined ? toDay(params.to, 'to') : today;
  const from =
    params.from !== undefined
      ? toDay(params.from, 'from')
      : new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_STATS_DAYS - 1) * 86_400_000)
          .toISOString()
          .slice(0, 10);
  if (from > to) throw new ValidationError('from', 'must not be after to');
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (span > MAX_STATS_DAYS)
    throw new ValidationError('from', `the range may span at most ${MAX_STATS_DAYS} days`);
  return { group, days: daysBetween(from, to) };
}
