import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Clock } from '../ports.js';
import { pendingDelivery } from './outbox-publisher.js';
import {
  DELIVERY_STATUSES,
  type DeliveryState,
  type DeliveryStatus,
  type OutboxItem,
  type OutboxStore,
} from './ports.js';

/** A delivery as the API and console show it. */
export interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  sink: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  note: string | null;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  created_at: string;
  subscriber: OutboxItem['doc']['data']['subscriber'];
}

/** `<event id>.<sink>`; the sink's `:` (webhook:<uuid>) is written `-` to stay path-friendly. */
export function deliveryId(eventId: string, sink: string): string {
  return `${eventId}.${sink.replace(':', '-')}`;
}

export function parseDeliveryId(id: string): { eventId: string; sink: string } {
  const m = /^(msg_[0-9a-f]{32})\.(stmails|ses_suppression|webhook-[0-9a-f-]{36})$/.exec(id);
  if (!m) throw new ValidationError('id', 'is not a delivery id');
  return { eventId: m[1] as string, sink: (m[2] as string).replace(/^webhook-/, 'webhook:') };
}

function view(item: OutboxItem, sink: string, state: DeliveryState): DeliveryView {
  return {
    id: deliveryId(item.doc.data.event_id, sink),
    event_id: item.doc.data.event_id,
    event_type: item.doc.type,
    sink,
    status: state.status,
    attempts: state.attempts,
    last_error: state.last_error,
    note: state.note,
    next_attempt_at: state.next_attempt_at,
    last_attempt_at: state.last_attempt_at,
    created_at: item.created_at,
    subscriber: item.doc.data.subscriber,
  };
}

export function parseStatus(value: string | undefined): DeliveryStatus {
  if (value === undefined) return 'failed';
  if (!(DELIVERY_STATUSES as readonly string[]).includes(value))
    throw new ValidationError('status', `must be one of ${DELIVERY_STATUSES.join(', ')}`);
  return value as DeliveryStatus;
}

export async function listDeliveries(
  outbox: OutboxStore,
  status: DeliveryStatus,
  perPage: number,
  cursor?: string,
): Promise<{ results: DeliveryView[]; next_cursor: string | null }> {
  const page = await outbox.list(status, perPage, cursor);
  const results = page.items.flatMap((item) =>
    Object.entries(item.deliveries)
      .filter(([, s]) => s.status === status)
      .map(([sink, s]) => view(item, sink, s)),
  );
  return { results, next_cursor: page.next_cursor };
}

/** Puts a dead letter back in line: attempts start over, the first one now. */
export async function retryDelivery(outbox: OutboxStore, clock: Clock, id: string): Promise<DeliveryView> {
  const { eventId, sink } = parseDeliveryId(id);
  const item = await outbox.get(eventId);
  const state = item?.deliveries[sink];
  if (!item || !state) throw new NotFoundError(`delivery ${id} not found`);
  if (state.status !== 'failed') throw new ConflictError(`delivery ${id} is ${state.status}, not failed`);
  const next = { ...pendingDelivery(clock.now().toISOString()), last_error: state.last_error };
  item.deliveries[sink] = next;
  await outbox.save(item);
  return view(item, sink, next);
}
