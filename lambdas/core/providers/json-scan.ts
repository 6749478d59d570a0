/**
 * Single-pass helpers over JSON text, for the few places that must read a value as written (ids
 * beyond 2^53) rather than as JSON.parse rounds it. No pattern runs over the text, so the cost stays
 * linear whatever the body holds.
 */
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** Index just past the JSON string that opens at `start` (a `"`), skipping escapes. */
export function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return text.length;
}

export function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  return i;
}
