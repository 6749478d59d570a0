import { stringify } from 'csv-stringify/sync';
import type { ListedBounce } from '../../core/bounce.js';
import { bounceJson } from './bounce-json.js';

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'email',
  'subscriber_uuid',
  'subscriber_status',
  'campaign_uuid',
  'source',
  'type',
  'reason',
  'status',
  'diagnostic',
  'meta',
] as const;

/** Spreadsheets run a cell that starts like a formula; a leading quote makes it text (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One page of bounces as RFC 4180 CSV: header row, CRLF records, fields with quotes or line breaks quoted. */
export function bouncesCsv(bounces: ListedBounce[]): string {
  const rows = bounces.map((b) => {
    const json = bounceJson(b) as Record<string, unknown>;
    return CSV_COLUMNS.map((column) => cell(json[column]));
  });
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
  });
}
