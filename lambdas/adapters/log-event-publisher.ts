import { toEventDocument } from '../core/outbound/event-document.js';
import type { EventPublisher, OutboundEvent } from '../core/ports.js';

export interface EventLogger {
  info(message: string, extra: Record<string, unknown>): void;
}

/** Local stand-in for the EventBridge bus: one structured log line per outbound event. */
export class LogEventPublisher implements EventPublisher {
  constructor(private readonly logger: EventLogger) {}

  async publish(event: OutboundEvent): Promise<void> {
    const { type, data } = toEventDocument(event);
    // The event id and type only: the address is personal data and stays out of logs.
    this.logger.info('outbound event', { type, event_id: data.event_id });
  }
}
