import { type CsvPage, splitCsvPage } from './csv-page.js';
import { BadPageError, ExportError } from './errors.js';
import type { PageFormat } from './fetch-pages.js';

export interface JsonPage {
  results: unknown[];
}

/** The cursor of a CSV page: `X-Next-Cursor`, else the `cursor` of the `Link: <…>; rel="next"` URL. */
export function csvNextCursor(res: Response): string | null {
  const header = res.headers.get('x-next-cursor');
  if (header) return header;
  const link = res.headers.get('link');
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/\brel\s*=\s*"?next"?/i.test(m[2] as string)) continue;
    const cursor = new URL(m[1] as string, 'http://base.invalid').searchParams.get('cursor');
    if (cursor) return cursor;
  }
  return null;
}

export const csvFormat: PageFormat<CsvPage> = {
  params: { format: 'csv' },
  accept: 'text/csv',
  async decode(res) {
    const type = res.headers.get('content-type') ?? '';
    if (!/^text\/csv\b/i.test(type)) {
      throw new ExportError(`asked for CSV but the API answered ${type || 'without a Content-Type'}`);
    }
    return { page: splitCsvPage(await res.text()), nextCursor: csvNextCursor(res) };
  },
};

export const jsonFormat: PageFormat<JsonPage> = {
  params: {},
  accept: 'application/json',
  async decode(res) {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new BadPageError(`page is not JSON: ${(err as Error).message}`);
    }
    const data = (body as { data?: { results?: unknown; next_cursor?: unknown } } | null)?.data;
    const next = data?.next_cursor;
    if (!Array.isArray(data?.results) || (next !== null && typeof next !== 'string')) {
      throw new ExportError('the API answered JSON without data.results and data.next_cursor');
    }
    return { page: { results: data.results }, nextCursor: next || null };
  },
};
