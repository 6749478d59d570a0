import type { EventPublisher, OutboundEvent } from '../core/ports.js';

export interface EventLogger {
  info(message: string, extra: Record<string, unknown>): void;
}

/** Local stand-in for the EventBridge bus: one structured log line per outbound event. */
export class LogEventPublisher implements EventPublisher {
  constructor(private readonly logger: EventLogger) {}

  async publish(event: OutboundEvent): Promise<void> {
    this.logger.info('outbound event', { event });
  }
}
