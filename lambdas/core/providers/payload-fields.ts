import { ValidationError } from '../errors.js';

export type Json = Record<string, unknown>;

/** The value when it is a JSON object (not an array, not null). */
export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The same test as `asObject`, as a type guard for `.find(isObject)` and early returns. */
export function isObject(value: unknown): value is Json {
  return asObject(value) !== undefined;
}

/** A non-blank string (trimmed), or a finite number as text. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The body's text parsed, or a 400 naming `body` with the parser's complaint. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ValidationError('body', `is not valid JSON (${(cause as Error).message})`, { cause });
  }
}

/** The raw body as one JSON object; a 400 naming `body` otherwise. */
export function parseJsonObject(rawBody: Buffer, what: string): Json {
  const body = parseJsonText(rawBody.toString('utf8'));
  const record = asObject(body);
  if (!record) throw new ValidationError('body', `must be one JSON object (${what})`);
  return record;
}

/**
 * Epoch seconds (a number, maybe fractional, or its digits as a string) as ISO 8601; undefined when
 * absent or not a plausible time, so the recording falls back to its clock.
 */
export function epochSeconds(value: unknown): string | undefined {
  const seconds =
    typeof value === 'string' && /^\d{1,12}(\.\d{1,9})?$/.test(value.trim()) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 253_402_300_799)
    return undefined;
  return new Date(Math.floor(seconds * 1000)).toISOString();
}

/** Only short strings and numbers: meta is stored with every bounce and exported. */
export function compactMeta(fields: Record<string, unknown>, max = 500): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    else if (typeof value === 'boolean') out[key] = value;
    else {
      const kept = text(value);
      if (kept) out[key] = kept.slice(0, max);
    }
  }
  return out;
}
