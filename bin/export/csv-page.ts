import { BadPageError } from './errors.js';

export interface CsvPage {
  /** The header record with its line break; empty for an empty body. */
  header: string;
  /** Every record after the header, byte for byte, ending in a line break; empty for none. */
  rows: string;
  count: number;
}

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Splits one CSV page into its header and the rest. A record ends at a line feed outside quotes, so a
 * quoted field holding line breaks stays in its record; RFC 4180's doubled quote (`""`) just toggles
 * twice. The rows are passed on untouched: re-encoding could change the API's quoting.
 */
export function splitCsvPage(text: string): CsvPage {
  let inQuotes = false;
  let headerEnd = -1;
  let records = 0;
  let recordStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === LF && !inQuotes) {
      records++;
      if (headerEnd < 0) headerEnd = i + 1;
      recordStart = i + 1;
    }
  }
  // An open quote at the end means the body was cut inside a field.
  if (inQuotes) throw new BadPageError('CSV page ends inside a quoted field');

  let body = text;
  if (recordStart < text.length) {
    // The last record lacks its line break; add one so the next page's rows start on a line of their own.
    body = `${text}\r\n`;
    records++;
    if (headerEnd < 0) headerEnd = body.length;
  }
  if (records === 0) return { header: '', rows: '', count: 0 };
  return { header: body.slice(0, headerEnd), rows: body.slice(headerEnd), count: records - 1 };
}

/** The header's names, for comparing pages: without a byte order mark or line break. */
export function headerKey(header: string): string {
  return header.replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
}
