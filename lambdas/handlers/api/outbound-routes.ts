import { ValidationError } from '../../core/errors.js';
import { listDeliveries, parseStatus, retryDelivery } from '../../core/outbound/deliveries.js';
import { eventSchemas } from '../../core/outbound/event-schemas.js';
import type { OutboxStore } from '../../core/outbound/ports.js';
import type { Clock } from '../../core/ports.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';

export interface OutboundRouteDeps {
  outbox: OutboxStore;
  clock: Clock;
  /** Starts the dispatcher after a retry was queued. */
  wake?: () => void | Promise<void>;
}

function one(params: Record<string, string[]>, name: string): string | undefined {
  const values = params[name];
  if (values && values.length > 1) throw new ValidationError(name, 'must be given once');
  return values?.[0];
}

/** `GET /api/outbound/schemas`: the JSON Schema of every event type, by type (public, holds no data). */
export function schemasRoute(): HttpHandler {
  const body = eventSchemas();
  return async () => ok(body);
}

/** `GET /api/outbound/deliveries?status=failed|pending|delivered` (default failed: the dead letters). */
export function listDeliveriesRoute(deps: OutboundRouteDeps): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    const status = parseStatus(one(params, 'status'));
    const raw = one(params, 'per_page') ?? '50';
    const perPage = Number(raw);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      throw new ValidationError('per_page', 'must be a whole number from 1 to 200');
    const page = await listDeliveries(deps.outbox, status, perPage, one(params, 'cursor'));
    return ok({ ...page, status });
  };
}

/** `POST /api/outbound/deliveries/{id}/retry`: a dead letter goes back in line, first attempt now. */
export function retryDeliveryRoute(deps: OutboundRouteDeps): HttpHandler {
  return async (event) => {
    const id = event.pathParameters?.id ?? '';
    const delivery = await retryDelivery(deps.outbox, deps.clock, decodeURIComponent(id));
    await deps.wake?.();
    return ok(delivery);
  };
}
