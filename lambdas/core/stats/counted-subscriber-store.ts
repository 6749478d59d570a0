import type { SubscriberStore } from '../ports.js';
import type { StatsStore } from './ports.js';

/**
 * A subscriber store whose erase (the `delete` action) also uncounts the bounces it removed, batch
 * by batch as they go, so the day counters never keep what no longer exists.
 */
export function countedSubscriberStore(store: SubscriberStore, stats: StatsStore): SubscriberStore {
  return {
    findByEmail: (email, eventKey) => store.findByEmail(email, eventKey),
    findByUuid: (uuid) => store.findByUuid(uuid),
    create: (subscriber) => store.create(subscriber),
    applyAction: (change) => store.applyAction(change),
    markEmitted: (email, type, bounceId) => store.markEmitted(email, type, bounceId),
    update: (email, changes, at) => store.update(email, changes, at),
    reenable: (email, entry) => store.reenable(email, entry),
    erase: (email, removed) =>
      store.erase(email, async (bounces) => {
        await stats.decrement(bounces);
        await removed?.(bounces);
      }),
  };
}
