import {
  FILTER_PARAMS,
  parseBounceFilters,
  refuseUnknownParams,
  singleParam,
} from '../../core/bounces/bounce-query.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { BounceStore } from '../../core/ports.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import { parseBounceId } from './bounce-id.js';

const MAX_IDS = 1000;
/** Bounces one filtered delete removes; `more: true` tells the caller to repeat. */
export const DELETE_BATCH = 500;

/**
 * `DELETE /api/bounces`: `id` (repeated, <= 1000) deletes those; filters delete what they match and
 * never more; `all=true` alone deletes everything. Anything ambiguous is refused, never widened.
 */
export function deleteBouncesRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    refuseUnknownParams(params, ['id', 'all', ...FILTER_PARAMS]);
    const ids = params.id ?? [];
    const all = singleParam(params, 'all');
    const filterNames = FILTER_PARAMS.filter((name) => params[name] !== undefined);
    if (ids.length > 0) {
      if (all !== undefined || filterNames.length)
        throw new ValidationError('id', 'cannot be combined with all or filters');
      if (ids.length > MAX_IDS) throw new ValidationError('id', `at most ${MAX_IDS} per request`);
      const deleted = await bounces.deleteByIds(ids.map((id) => parseBounceId(id)));
      return ok({ deleted, more: false });
    }
    if (all !== undefined) {
      if (all !== 'true') throw new ValidationError('all', 'must be true');
      if (filterNames.length)
        throw new ValidationError('all', 'must be given alone; use the filters without it');
      return ok(await bounces.deleteMatching({}, DELETE_BATCH));
    }
    if (!filterNames.length) {
      throw new ValidationError(
        'id',
        'or a filter (campaign_uuid, source, type, email, from, to) or all=true is required',
      );
    }
    return ok(await bounces.deleteMatching(parseBounceFilters(params), DELETE_BATCH));
  };
}

/** `DELETE /api/bounces/{id}`. */
export function deleteBounceRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const id = parseBounceId(event.pathParameters?.id ?? '');
    if ((await bounces.deleteByIds([id])) === 0) throw new NotFoundError(`bounce ${id} not found`);
    return ok({ deleted: 1, more: false });
  };
}
