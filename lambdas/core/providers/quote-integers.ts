import { skipWhitespace, stringEnd } from './json-scan.js';

const DIGITS = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/**
 * The JSON text with every integer value of the named keys, at any depth, turned into a string of
 * the same digits, so JSON.parse keeps ids beyond 2^53 exactly (Mailjet's `MessageID` is one).
 * Keys are matched as written, without escapes. One pass, no pattern over the text: the cost is
 * linear in the body whatever it holds; text that is not JSON stays text that is not JSON.
 */
export function quoteIntegers(text: string, keys: readonly string[]): string {
  const wanted = new Set(keys.map((k) => JSON.stringify(k)));
  const lengths = new Set([...wanted].map((k) => k.length));
  const parts: string[] = [];
  let copied = 0;
  let i = text.indexOf('"');
  while (i !== -1 && i < text.length) {
    const end = stringEnd(text, i);
    if (!lengths.has(end - i) || !wanted.has(text.slice(i, end))) {
      i = text.indexOf('"', end);
      continue;
    }
    const colon = skipWhitespace(text, end);
    if (text[colon] !== ':') {
      i = text.indexOf('"', end);
      continue;
    }
    const start = skipWhitespace(text, colon + 1);
    let j = start;
    if (text[j] === '-') j++;
    const firstDigit = j;
    while (j < text.length && DIGITS.has(text[j] as string)) j++;
    const next = text[j];
    if (j > firstDigit && next !== '.' && next !== 'e' && next !== 'E') {
      parts.push(text.slice(copied, start), '"', text.slice(start, j), '"');
      copied = j;
    }
    i = text.indexOf('"', j);
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
