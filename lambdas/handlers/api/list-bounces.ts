import { parseBounceQuery } from '../../core/bounces/bounce-query.js';
import { ValidationError } from '../../core/errors.js';
import type { BounceStore } from '../../core/ports.js';
import { queryParams } from '../http/request.js';
import type { HttpEvent, HttpHandler, HttpResult } from '../http/types.js';
import { bounceCsvRecord, CSV_HEADER } from './bounce-csv.js';
import { bounceJson } from './bounce-json.js';
import { pageWithinBudget } from './page-budget.js';

/** The same request with the next page's cursor: relative, so it holds behind any stage or domain. */
function nextLink(event: HttpEvent, cursor: string): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(queryParams(event))) {
    if (name !== 'cursor') for (const v of values) params.append(name, v);
  }
  params.set('cursor', cursor);
  const path = event.requestContext?.path ?? event.path;
  return `${path}?${params.toString()}`;
}

/**
 * `GET /api/bounces`: one page as JSON or CSV; follow the cursor for the next. A page ends early when
 * its bytes would pass the response budget (Lambda's 6 MB), so it may hold fewer than `per_page`.
 */
export function listBouncesRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    const query = parseBounceQuery(params, ['format']);
    const format = params.format?.[0] ?? 'json';
    if (params.format && (params.format.length > 1 || (format !== 'json' && format !== 'csv'))) {
      throw new ValidationError('format', 'must be json or csv');
    }
    if (format === 'json') {
      const { page, rows } = await pageWithinBudget(bounces, query, (b) => JSON.stringify(bounceJson(b)));
      return jsonPage(rows, query.per_page, page.next_cursor);
    }
    const { page, rows } = await pageWithinBudget(bounces, query, bounceCsvRecord);
    const headers: Record<string, string> = {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="bounces.csv"',
    };
    if (page.next_cursor) {
      headers['X-Next-Cursor'] = page.next_cursor;
      headers.Link = `<${nextLink(event, page.next_cursor)}>; rel="next"`;
    }
    return { statusCode: 200, headers, body: CSV_HEADER + rows.join('') };
  };
}

/** `{"data": {"results", "per_page", "next_cursor"}}` from rows already rendered as JSON. */
export function jsonPage(rows: readonly string[], perPage: number, nextCursor: string | null): HttpResult {
  const tail = JSON.stringify({ per_page: perPage, next_cursor: nextCursor }).slice(1);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: `{"data":{"results":[${rows.join(',')}],${tail}}`,
  };
}
