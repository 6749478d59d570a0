import { stringify } from 'csv-stringify/sync';
import type { ListedBounce } from '../../core/bounces/bounce.js';
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

const OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/** The header row of the CSV export, CRLF-terminated. */
export const CSV_HEADER = stringify([[...CSV_COLUMNS]], OPTIONS);

/** One bounce as an RFC 4180 record: CRLF-terminated, fields with quotes or line breaks quoted. */
export function bounceCsvRecord(bounce: ListedBounce): string {
  const json = bounceJson(bounce) as Record<string, unknown>;
  return stringify([CSV_COLUMNS.map((column) => cell(json[column]))], OPTIONS);
}

/** One page of bounces as RFC 4180 CSV: the header row, then one record per bounce. */
export function bouncesCsv(bounces: ListedBounce[]): string {
  return CSV_HEADER + bounces.map(bounceCsvRecord).join('');
}
