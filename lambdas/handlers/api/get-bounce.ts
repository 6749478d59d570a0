import { NotFoundError } from '../../core/errors.js';
import type { BounceStore } from '../../core/ports.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import { parseBounceId } from './bounce-id.js';
import { bounceJson } from './bounce-json.js';

/** `GET /api/bounces/{id}`. */
export function getBounceRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const id = parseBounceId(event.pathParameters?.id ?? '');
    const bounce = await bounces.get(id);
    if (!bounce) throw new NotFoundError(`bounce ${id} not found`);
    return ok(bounceJson(bounce));
  };
}
