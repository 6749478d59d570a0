import type { Clock, EventPublisher, SubscriberStore } from '../ports.js';
import type { ReenabledEntry, Subscriber } from './subscriber.js';

export interface ReenableDeps {
  subscribers: SubscriberStore;
  events: EventPublisher;
  clock: Clock;
}

/**
 * A person undoes the bounce actions (DESIGN §9): status back to `enabled`, the actions re-armed
 * (bounces before now no longer count, so each action fires again once its threshold is reached by
 * new bounces), list subscriptions left as they are (the sending app decides about re-subscribing),
 * an entry in the action history and a `subscriber.reenabled` event. Repeating it is harmless.
 */
export async function reenableSubscriber(
  deps: ReenableDeps,
  subscriber: Subscriber,
  by: string | undefined,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const entry: ReenabledEntry = { action: 'reenabled', at, ...(by ? { by } : {}) };
  // Stored first: the event may be retried by repeating the request, the change is never lost.
  await deps.subscribers.reenable(subscriber.email, entry);
  await deps.events.publish({
    type: 'subscriber.reenabled',
    email: subscriber.email,
    ...(subscriber.uuid ? { subscriber_uuid: subscriber.uuid } : {}),
    at,
    ...(by ? { by } : {}),
  });
}
