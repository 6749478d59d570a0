import type { ListedBounce } from '../../core/bounces/bounce.js';
import type { BounceQuery } from '../../core/bounces/bounce-query.js';
import type { BouncePage, BounceStore } from '../../core/ports.js';

/**
 * Lambda refuses a response payload over 6 MB (6,291,556 bytes), and API Gateway then answers a 502
 * for a page the function had ready. The payload is the proxy result serialised as JSON, so a body
 * counts with its JSON escaping. A page of 1,000 bounces with large meta passes that easily, so pages
 * are cut by bytes: the rows of one page may take 5.5 MiB, leaving over 500 KB for the envelope,
 * the headers (a Link that repeats the query) and the cursor.
 */
export const PAGE_BUDGET_BYTES = 5.5 * 1024 * 1024;

/** The bytes `text` takes inside the Lambda response payload: UTF-8, JSON-escaped. */
export function payloadBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

export interface RenderedPage {
  page: BouncePage;
  /** Each result rendered (a JSON object, a CSV record), in order. */
  rows: string[];
}

/** How many leading rows fit in the budget with their separators; at least one. */
function rowsWithin(rows: readonly string[], budget: number): number {
  let used = 0;
  for (let i = 0; i < rows.length; i++) {
    used += payloadBytes(rows[i] as string) + 1;
    if (used > budget) return Math.max(1, i);
  }
  return rows.length;
}

/**
 * One page of the listing whose rendered rows fit the budget. A page that does not fit is read again
 * with `per_page` cut to the rows that fit: the store then ends the page there and its cursor goes on
 * from the first row left out, so nothing is skipped. Only an oversized page costs the second read.
 */
export async function pageWithinBudget(
  bounces: BounceStore,
  query: BounceQuery,
  render: (bounce: ListedBounce) => string,
  budget = PAGE_BUDGET_BYTES,
): Promise<RenderedPage> {
  let perPage = query.per_page;
  for (;;) {
    const page = await bounces.list({ ...query, per_page: perPage });
    const rows = page.results.map(render);
    const fit = rowsWithin(rows, budget);
    if (fit >= rows.length) return { page, rows };
    // Rows stored meanwhile may make the shorter page differ: check it again (it only gets shorter).
    perPage = fit;
  }
}
