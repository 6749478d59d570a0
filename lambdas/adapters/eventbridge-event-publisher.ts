import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InternalError } from '../core/errors.js';
import { toEventDocument } from '../core/outbound/event-document.js';
import type { EventPublisher, OutboundEvent } from '../core/ports.js';

export const EVENT_SOURCE = 'stmails.bounce';

/**
 * Publishes outbound events to the stack's EventBridge bus: the detail is the same document sinks get
 * (`{type, timestamp, data}`), the detail-type its type.
 */
export class EventBridgeEventPublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: OutboundEvent): Promise<void> {
    let failed = 0;
    try {
      const res = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(toEventDocument(event)),
            },
          ],
        }),
      );
      failed = res.FailedEntryCount ?? 0;
    } catch (cause) {
      throw new InternalError('could not publish the outbound event', { cause });
    }
    if (failed > 0) throw new InternalError('EventBridge refused the outbound event');
  }
}
