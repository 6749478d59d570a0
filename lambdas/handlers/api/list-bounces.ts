import { parseBounceQuery } from '../../core/bounce-query.js';
import type { BounceStore } from '../../core/ports.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import { bounceJson } from './bounce-json.js';

/** `GET /api/bounces`: one page, newest first by default; follow `next_cursor` for the next. */
export function listBouncesRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const query = parseBounceQuery(queryParams(event));
    const page = await bounces.list(query);
    return ok({
      results: page.results.map(bounceJson),
      per_page: query.per_page,
      next_cursor: page.next_cursor,
    });
  };
}
