import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { BounceStore } from '../../core/ports.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import { bounceJson } from './bounce-json.js';

const BOUNCE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `GET /api/bounces/{id}`. */
export function getBounceRoute(bounces: BounceStore): HttpHandler {
  return async (event) => {
    const id = event.pathParameters?.id ?? '';
    if (!BOUNCE_ID.test(id)) throw new ValidationError('id', 'is not a bounce id');
    const bounce = await bounces.get(id);
    if (!bounce) throw new NotFoundError(`bounce ${id} not found`);
    return ok(bounceJson(bounce));
  };
}
