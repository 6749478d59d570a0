import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InternalError } from '../core/errors.js';
import type { EventPublisher, OutboundEvent } from '../core/ports.js';

export const EVENT_SOURCE = 'stmails.bounce';

/** Publishes subscriber actions to the stack's EventBridge bus (detail-type = the event type). */
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
              Detail: JSON.stringify(event),
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
