import { ValidationError } from './errors.js';

// RFC 3339 date-time: a full date, a time with optional fraction, and a zone (Z or ±hh:mm).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses an RFC 3339 timestamp into the canonical form stored and compared everywhere: UTC ISO 8601
 * with milliseconds, whose string order is time order.
 */
export function parseTimestamp(value: unknown, field: string): string {
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new ValidationError(field, 'must be an RFC 3339 timestamp such as 2026-11-29T10:00:00Z');
  }
  const ms = Date.parse(value.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw new ValidationError(field, 'is not a valid date');
  if (ms < MIN_MS || ms > MAX_MS) throw new ValidationError(field, 'must lie between 1970 and 9999');
  return new Date(ms).toISOString();
}

export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
