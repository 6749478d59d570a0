import { type CsvPage, headerKey } from './csv-page.js';
import { ExportError } from './errors.js';
import type { JsonPage } from './formats.js';
import type { Sink } from './output.js';

/** Writes one page with a single sink write and returns its row count. */
export type PageWriter<P> = (page: P) => Promise<number>;

/** The first page's header once, then each page's records without theirs. */
export function csvWriter(sink: Sink): PageWriter<CsvPage> {
  let header: string | undefined;
  return async (page) => {
    if (page.header === '') return 0;
    if (header === undefined) {
      header = page.header;
      await sink.write(page.header + page.rows);
      return page.count;
    }
    // Columns that change mid-export would put values under the wrong names.
    if (headerKey(page.header) !== headerKey(header)) {
      throw new ExportError(
        `the CSV header changed between pages: ${JSON.stringify(headerKey(page.header))}`,
      );
    }
    if (page.rows) await sink.write(page.rows);
    return page.count;
  };
}

/** One JSON object a line, exactly as the API sent each result. */
export function jsonlWriter(sink: Sink): PageWriter<JsonPage> {
  return async (page) => {
    if (page.results.length === 0) return 0;
    await sink.write(`${page.results.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return page.results.length;
  };
}
