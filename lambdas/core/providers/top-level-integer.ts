import { skipWhitespace, stringEnd } from './json-scan.js';

const INTEGER = /^-?\d+$/;

/**
 * The digits, exactly as written, of an integer value of `key` in the top-level object of a JSON text
 * that JSON.parse has already accepted; the last one when the key repeats (as JSON.parse keeps the
 * last). One pass, no pattern over the text: its cost is linear in the body whatever the body holds.
 */
export function topLevelInteger(text: string, key: string): string | undefined {
  let found: string | undefined;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const colon = skipWhitespace(text, end);
      if (depth === 1 && text[colon] === ':' && JSON.parse(text.slice(i, end)) === key) {
        const valueStart = skipWhitespace(text, colon + 1);
        let valueEnd = valueStart;
        while (valueEnd < text.length && '-+.eE0123456789'.includes(text[valueEnd] as string)) valueEnd++;
        const literal = text.slice(valueStart, valueEnd);
        found = INTEGER.test(literal) ? literal : undefined;
        i = valueEnd;
        continue;
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
  }
  return found;
}
