import { PayloadTooLargeError, ValidationError } from '../../core/errors.js';
import { assertBodyDepth } from '../../core/json-depth.js';
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

/**
 * Parses a JSON body; a body that is not JSON is a 400 saying where it breaks (never middy's 415), and
 * one nested too deep for the code after it is a 400 naming the field.
 */
export function jsonBody(event: HttpEvent): unknown {
  const text = rawBody(event).toString('utf8');
  if (text.trim() === '') throw new ValidationError('body', 'is empty; send a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    const detail = (cause as Error).message;
    const at = /position (\d+)/.exec(detail);
    const where = at ? ` (${lineAndColumn(text, Number(at[1]))})` : '';
    throw new ValidationError('body', `is not valid JSON: ${detail}${where}`, { cause });
  }
  assertBodyDepth(body);
  return body;
}

/** Query parameters with repeats kept, as API Gateway's multi-value map gives them. */
export function queryParams(event: HttpEvent): Record<string, string[]> {
  const multi = event.multiValueQueryStringParameters;
  if (multi) return Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v ?? []]));
  const single = event.queryStringParameters ?? {};
  return Object.fromEntries(Object.entries(single).map(([k, v]) => [k, v === undefined ? [] : [v]]));
}

/**
 * Path parameters percent-decoded once. REST API proxy events carry them as the client sent them,
 * while other gateways (and some test tools) hand them over decoded: decoding a value that holds no
 * `%` changes nothing, so both work. Malformed escapes (`%ZZ`, bytes that are not UTF-8 such as
 * `%C0%AF`) are a 400 naming the parameter, never a 500.
 */
export function decodePathParameters(event: HttpEvent): HttpEvent {
  const raw = event.pathParameters;
  if (!raw) return event;
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    try {
      decoded[name] = value.includes('%') ? decodeURIComponent(value) : value;
    } catch (cause) {
      throw new ValidationError(name, 'is not valid percent-encoding (escape bytes as %XX of UTF-8)', {
        cause,
      });
    }
  }
  return { ...event, pathParameters: decoded };
}
