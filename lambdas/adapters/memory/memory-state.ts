import type { Bounce } from '../../core/bounces/bounce.js';
import { emailHash } from '../../core/bounces/record-bounce.js';
import type { EventClaim } from '../../core/ports.js';
import type { Subscriber } from '../../core/subscribers/subscriber.js';

/**
 * The one "table" both memory stores share, as the DynamoDB stores share theirs: erasing a subscriber
 * removes its bounces, and a listing shows each bounce's subscriber status.
 */
export class MemoryState {
  readonly subscribers = new Map<string, Subscriber>();
  /** uuid → emails holding it; nothing forbids two records sharing a uuid. */
  readonly uuids = new Map<string, Set<string>>();
  /** SHA-256 of erased addresses, as the DynamoDB tombstone keeps only the hash. */
  readonly tombstones = new Set<string>();
  readonly bounces = new Map<string, Bounce>();
  /** email → ids of its bounces, so counting reads one subscriber's bounces only. */
  readonly bouncesByEmail = new Map<string, Set<string>>();
  readonly events = new Map<string, EventClaim>();
  /** Deleted bounces that claimed their own event key, by id: their keys stay claimed. */
  readonly deletedClaims = new Map<string, Bounce>();

  isTombstoned(email: string): boolean {
    return this.tombstones.has(emailHash(email));
  }

  tombstone(email: string): void {
    this.tombstones.add(emailHash(email));
  }

  indexUuid(subscriber: Subscriber): void {
    if (!subscriber.uuid) return;
    const emails = this.uuids.get(subscriber.uuid) ?? new Set<string>();
    emails.add(subscriber.email);
    this.uuids.set(subscriber.uuid, emails);
  }

  unindexUuid(subscriber: Subscriber): void {
    if (!subscriber.uuid) return;
    const emails = this.uuids.get(subscriber.uuid);
    emails?.delete(subscriber.email);
    if (emails?.size === 0) this.uuids.delete(subscriber.uuid);
  }

  /** Stores the bounce unless it is there already, as the conditional put does. */
  storeBounce(bounce: Bounce): void {
    if (this.bounces.has(bounce.id)) return;
    this.bounces.set(bounce.id, structuredClone(bounce));
    const ids = this.bouncesByEmail.get(bounce.email) ?? new Set<string>();
    ids.add(bounce.id);
    this.bouncesByEmail.set(bounce.email, ids);
  }

  removeBounce(id: string): Bounce | undefined {
    const bounce = this.bounces.get(id);
    if (!bounce) return undefined;
    this.bounces.delete(id);
    const ids = this.bouncesByEmail.get(bounce.email);
    ids?.delete(id);
    if (ids?.size === 0) this.bouncesByEmail.delete(bounce.email);
    return bounce;
  }

  bouncesOf(email: string): Bounce[] {
    const out: Bounce[] = [];
    for (const id of this.bouncesByEmail.get(email) ?? []) {
      const bounce = this.bounces.get(id);
      if (bounce) out.push(bounce);
    }
    return out;
  }
}
