import { ValidationError } from './errors.js';

/**
 * How deep an input value may nest. Nothing a sender means to tell us needs more, and recursive code
 * (JSON.stringify, structuredClone, DynamoDB's marshaller) overflows the stack a few thousand levels
 * down, long before JSON.parse does: without a limit, deep input would be our fault (a 500).
 */
export const MAX_JSON_DEPTH = 32;

/** Levels of arrays and objects in `value` (a scalar is 0), counted without recursion; stops past `max`. */
export function jsonDepth(value: unknown, max = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (level > max) return level;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, level]);
    }
  }
  return deepest;
}

/** Refuses a value nested deeper than `max`, naming the field it came in. */
export function assertJsonDepth(value: unknown, field: string, max = MAX_JSON_DEPTH): void {
  if (jsonDepth(value, max) > max) throw new ValidationError(field, `is nested more than ${max} levels deep`);
}

/**
 * Checks every field of a parsed body (each array element of an array body) against the depth limit,
 * so the error names the field that is too deep (`meta`, `[3]`), not the body.
 */
export function assertBodyDepth(body: unknown, max = MAX_JSON_DEPTH): void {
  if (typeof body !== 'object' || body === null) return;
  const fields = Array.isArray(body)
    ? body.map((item, i) => [`[${i}]`, item] as const)
    : Object.entries(body).map(([key, item]) => [key.slice(0, 100), item] as const);
  for (const [field, item] of fields) assertJsonDepth(item, field, max);
}
