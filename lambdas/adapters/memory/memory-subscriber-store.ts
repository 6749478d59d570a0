import type { Bounce, BounceType } from '../../core/bounces/bounce.js';
import { NotFoundError } from '../../core/errors.js';
import type { ActionChange, EmailLookup, SubscriberChanges, SubscriberStore } from '../../core/ports.js';
import type { ReenabledEntry, Subscriber } from '../../core/subscribers/subscriber.js';
import type { MemoryState } from './memory-state.js';

/**
 * SubscriberStore over process memory, with the DynamoDB store's semantics: conditional writes become
 * checks on the map, and callers get copies, never the stored objects.
 */
export class MemorySubscriberStore implements SubscriberStore {
  constructor(private readonly state: MemoryState) {}

  async findByEmail(email: string, eventKey?: string): Promise<EmailLookup> {
    const subscriber = this.state.subscribers.get(email);
    const claimed = eventKey === undefined ? undefined : this.state.events.get(eventKey);
    return {
      subscriber: subscriber ? structuredClone(subscriber) : null,
      tombstoned: this.state.isTombstoned(email),
      ...(claimed ? { claimed: structuredClone(claimed) } : {}),
    };
  }

  async findByUuid(uuid: string): Promise<Subscriber | null> {
    const [email] = this.state.uuids.get(uuid) ?? [];
    const subscriber = email === undefined ? undefined : this.state.subscribers.get(email);
    return subscriber ? structuredClone(subscriber) : null;
  }

  async create(subscriber: Subscriber): Promise<boolean> {
    if (this.state.subscribers.has(subscriber.email)) return false;
    const stored = structuredClone(subscriber);
    this.state.subscribers.set(stored.email, stored);
    this.state.indexUuid(stored);
    return true;
  }

  async applyAction(change: ActionChange): Promise<boolean> {
    const { subscriber, entry, windowStart } = change;
    const stored = this.state.subscribers.get(subscriber.email);
    if (!stored) return false;
    const fired = stored.fired[entry.type];
    if (fired && !(windowStart && fired.at < windowStart)) return false;
    stored.fired[entry.type] = {
      action: entry.action,
      at: entry.at,
      bounce_id: entry.bounce_id,
      emitted: false,
    };
    stored.history.push({ ...entry });
    stored.updated_at = entry.at;
    if (entry.action === 'blocklist') stored.status = 'blocklisted';
    if (entry.action === 'blocklist' || entry.action === 'unsubscribe') {
      // The lists the caller read, as the DynamoDB update names them: a list added since stays as is.
      for (const list of Object.keys(subscriber.lists)) stored.lists[list] = 'unsubscribed';
    }
    return true;
  }

  async markEmitted(email: string, type: BounceType, bounceId: string): Promise<void> {
    const fired = this.state.subscribers.get(email)?.fired[type];
    if (fired?.bounce_id === bounceId) fired.emitted = true;
  }

  async erase(email: string, removed?: (bounces: readonly Bounce[]) => Promise<void>): Promise<void> {
    this.state.tombstone(email);
    const bounces = [...this.state.bouncesOf(email)];
    for (const bounce of bounces) {
      this.state.removeBounce(bounce.id);
      if (bounce.event_key) this.state.events.delete(bounce.event_key);
    }
    if (removed && bounces.length) await removed(bounces);
    for (const [id, deleted] of this.state.deletedClaims) {
      if (deleted.email === email) this.state.deletedClaims.delete(id);
    }
    const subscriber = this.state.subscribers.get(email);
    if (!subscriber) return;
    this.state.unindexUuid(subscriber);
    this.state.subscribers.delete(email);
  }

  async update(email: string, changes: SubscriberChanges, at: string): Promise<void> {
    const stored = this.state.subscribers.get(email);
    if (!stored) throw new NotFoundError(`subscriber ${email} not found`);
    if (changes.status === 'enabled' && stored.status === 'blocklisted') stored.fired = {};
    this.state.unindexUuid(stored);
    if (changes.uuid !== undefined) stored.uuid = changes.uuid;
    if (changes.name !== undefined) stored.name = changes.name;
    if (changes.status !== undefined) stored.status = changes.status;
    if (changes.lists !== undefined) stored.lists = { ...changes.lists };
    if (changes.fired !== undefined) stored.fired = structuredClone(changes.fired);
    if (changes.rearmed_at !== undefined) stored.rearmed_at = changes.rearmed_at;
    stored.updated_at = at;
    this.state.indexUuid(stored);
  }

  async reenable(email: string, entry: ReenabledEntry): Promise<void> {
    const stored = this.state.subscribers.get(email);
    if (!stored) throw new NotFoundError(`subscriber ${email} not found`);
    stored.status = 'enabled';
    stored.fired = {};
    stored.rearmed_at = entry.at;
    stored.history.push({ ...entry });
    stored.updated_at = entry.at;
  }
}
