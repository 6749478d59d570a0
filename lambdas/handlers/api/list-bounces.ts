import { parseBounceQuery } from '../../core/bounce-query.js';
import { ValidationError } from '../../core/errors.js';
import type { BounceStore } from '../../core/ports.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';
import { bouncesCsv } from './bounce-csv.js';
import { bounceJson } from './bounce-json.js';

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

/** `GET /api/bounces`: one page as JSON or CSV; follow the cursor for the next. */
export function listBouncesRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    const query = parseBounceQuery(params, ['format']);
    const format = params.format?.[0] ?? 'json';
    if (params.format && (params.format.length > 1 || (format !== 'json' && format !== 'csv'))) {
      throw new ValidationError('format', 'must be json or csv');
    }
    const page = await bounces.list(query);
    if (format === 'json') {
      return ok({
        results: page.results.map(bounceJson),
        per_page: query.per_page,
        next_cursor: page.next_cursor,
      });
    }
    const headers: Record<string, string> = {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="bounces.csv"',
    };
    if (page.next_cursor) {
      headers['X-Next-Cursor'] = page.next_cursor;
      headers.Link = `<${nextLink(event, page.next_cursor)}>; rel="next"`;
    }
    return { statusCode: 200, headers, body: bouncesCsv(page.results) };
  };
}
