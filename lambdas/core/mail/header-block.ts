/**
 * RFC 5322 header fields from raw text, for the parts postal-mime hands over undecoded: a returned
 * original (message/rfc822, text/rfc822-headers) and the field blocks of reports, which share the syntax.
 */
export interface Field {
  /** Lower-cased field name. */
  name: string;
  /** Unfolded value, trimmed. */
  value: string;
}

const FIELD = /^([!-9;-~]+)[ \t]*:(.*)$/;

/** Fields of one block; stops at the first blank line, so a body after the header is never read. */
export function parseHeaderBlock(text: string, maxFields = 500): Field[] {
  const fields: Field[] = [];
  let start = 0;
  // Some MTAs return the original with a leading blank line; skip a few so its header is still found.
  while (start < text.length && start < 8 && (text[start] === '\n' || text[start] === '\r')) start++;
  let current: Field | undefined;
  let pos = start;
  while (pos < text.length && fields.length < maxFields) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;
    if (line.trim() === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      if (current.value.length < 4_000) current.value = `${current.value} ${line.trim()}`.trim();
      continue;
    }
    const m = FIELD.exec(line.length > 4_000 ? line.slice(0, 4_000) : line);
    if (!m) {
      // An mbox `From ` line or stray text before the header: ignore it before any field, stop after.
      if (fields.length === 0) continue;
      break;
    }
    current = { name: (m[1] as string).toLowerCase(), value: (m[2] as string).trim() };
    fields.push(current);
  }
  return fields;
}

export function fieldValue(fields: readonly Field[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value;
}

export function fieldValues(fields: readonly Field[], name: string): string[] {
  return fields.filter((f) => f.name === name).map((f) => f.value);
}
