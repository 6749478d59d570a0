import type { Clock, EventPublisher, OutboundEvent, SettingsSource } from '../ports.js';
import { sha256Hex, toEventDocument } from './event-document.js';
import { sinksFor } from './outbound-settings.js';
import type { DeliveryState, OutboxStore } from './ports.js';

export interface OutboxPublisherDeps {
  outbox: OutboxStore;
  settings: SettingsSource;
  clock: Clock;
  /** Also told of every event (the EventBridge bus in AWS, a log line locally). */
  downstream?: EventPublisher;
  /** Called after the write so the first attempt starts at once (in-process, or an invocation). */
  wake?: () => void | Promise<void>;
}

const RANK: Record<OutboundEvent['type'], number> = {
  'bounce.recorded': 0,
  'subscriber.unsubscribed': 1,
  'subscriber.blocklisted': 1,
  'subscriber.deleted': 1,
  'subscriber.reenabled': 1,
};

export function pendingDelivery(at: string): DeliveryState {
  return {
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    last_attempt_at: null,
    last_error: null,
    note: null,
  };
}

/**
 * The outbox (DESIGN §10): the event is stored durably, with a delivery per sink that takes it, before
 * the caller goes on (and so before a webhook answers 200); the dispatcher delivers it afterwards. An
 * event no sink takes is not stored, so a bounce with no action and no subscriber costs nothing here.
 */
export class OutboxPublisher implements EventPublisher {
  constructor(private readonly deps: OutboxPublisherDeps) {}

  async publish(event: OutboundEvent): Promise<void> {
    const doc = toEventDocument(event);
    const { outbound } = await this.deps.settings.get();
    const bounceType = event.bounce?.type ?? event.bounce_type ?? null;
    const sinks = outbound ? sinksFor(outbound, doc.type, bounceType) : [];
    if (sinks.length > 0) {
      const now = this.deps.clock.now().toISOString();
      await this.deps.outbox.add({
        subject: sha256Hex(event.email),
        seq: `${now}#${RANK[event.type]}#${doc.data.event_id}`,
        doc,
        deliveries: Object.fromEntries(sinks.map((s) => [s, pendingDelivery(now)])),
        created_at: now,
      });
    }
    await this.deps.downstream?.publish(event);
    if (sinks.length > 0) await this.deps.wake?.();
  }
}
