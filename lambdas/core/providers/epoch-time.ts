/** Numbers beyond this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const MILLISECONDS_ABOVE = 1e11;
const MAX_TIME_MS = Date.UTC(9999, 11, 31);
const DIGITS = /^\d{1,16}(\.\d{1,9})?$/;
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ZONE_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An event time as providers write it (Unix seconds or milliseconds, as a number or a numeric
 * string, or an ISO 8601 text with a zone) in canonical UTC ISO form; undefined when it is none of
 * these, so the bounce is still recorded, at the clock's now.
 */
export function epochTime(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    ms = value >= MILLISECONDS_ABOVE ? value : value * 1000;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (DIGITS.test(text)) {
      const n = Number(text);
      if (n > 0) ms = n >= MILLISECONDS_ABOVE ? n : n * 1000;
    } else if (text.length <= 40 && ISO_PREFIX.test(text) && ZONE_SUFFIX.test(text)) {
      const parsed = Date.parse(text);
      if (!Number.isNaN(parsed) && parsed > 0) ms = parsed;
    }
  }
  if (ms === undefined || ms > MAX_TIME_MS) return undefined;
  return new Date(Math.round(ms)).toISOString();
}
