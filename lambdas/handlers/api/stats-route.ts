import { refuseUnknownParams, singleParam } from '../../core/bounces/bounce-query.js';
import type { Clock } from '../../core/ports.js';
import { getStats } from '../../core/stats/get-stats.js';
import type { StatsStore } from '../../core/stats/ports.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';

const PARAMS = ['from', 'to', 'group_by'] as const;

/** `GET /api/stats`: counts per day, type, reason, source or campaign, from the day counters. */
export function statsRoute(deps: { stats: StatsStore; clock: Clock }): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    refuseUnknownParams(params, PARAMS);
    const from = singleParam(params, 'from');
    const to = singleParam(params, 'to');
    const groupBy = singleParam(params, 'group_by');
    return ok(
      await getStats(deps, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(groupBy !== undefined ? { group_by: groupBy } : {}),
      }),
    );
  };
}
