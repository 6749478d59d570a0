import { PayloadTooLargeError, ValidationError } from '../../core/errors.js';
import type { HttpEvent } from './types.js';

/** API Gateway's own cap is 10 MB; ours is 1 MB, checked here so locally and in AWS alike. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function rawBody(event: HttpEvent): Buffer {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  return bytes;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
}

/** Parses a JSON body; a body that is not JSON is a 400 saying where it breaks (never middy's 415). */
export function jsonBody(event: HttpEvent): unknown {
  const text = rawBody(event).toString('utf8');
  if (text.trim() === '') throw new ValidationError('body', 'is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (cause) {
    const detail = (cause as Error).message;
    const at = /position (\d+)/.exec(detail);
    const where = at ? ` (${lineAndColumn(text, Number(at[1]))})` : '';
    throw new ValidationError('body', `is not valid JSON: ${detail}${where}`, { cause });
  }
}

/** Query parameters with repeats kept, as API Gateway's multi-value map gives them. */
export function queryParams(event: HttpEvent): Record<string, string[]> {
  const multi = event.multiValueQueryStringParameters;
  if (multi) return Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v ?? []]));
  const single = event.queryStringParameters ?? {};
  return Object.fromEntries(Object.entries(single).map(([k, v]) => [k, v === undefined ? [] : [v]]));
}
