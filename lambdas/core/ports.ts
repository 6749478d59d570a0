import type { Bounce, BounceType, ListedBounce, SubscriberStatus } from './bounces/bounce.js';
import type { BounceFilters, BounceQuery } from './bounces/bounce-query.js';
import type { BounceSettings } from './settings/settings.js';
import type { ActionHistoryEntry, ListStatus, ReenabledEntry, Subscriber } from './subscribers/subscriber.js';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A time-sortable id whose time part is `timeMs`. */
  next(timeMs: number): string;
}

export interface EmailLookup {
  subscriber: Subscriber | null;
  /** The address was deleted by a `delete` action; only its SHA-256 remains. */
  tombstoned: boolean;
  /**
   * Asked for with an event key: the bounce an event item already claimed for that key (an event
   * whose source gave no time, or one stored before bounces claimed their own keys).
   */
  claimed?: EventClaim;
}

export interface EventClaim {
  bounce: Bounce;
  /** An operator deleted the bounce; the key stays claimed so a late redelivery does not bring it back. */
  deleted: boolean;
}

export interface SubscriberStore {
  /** Subscriber and tombstone of one address, and the claim of `eventKey` when given, in one read. */
  findByEmail(email: string, eventKey?: string): Promise<EmailLookup>;
  findByUuid(uuid: string): Promise<Subscriber | null>;
  /** Creates the record unless one exists for the email; false when it did. */
  create(subscriber: Subscriber): Promise<boolean>;
  /**
   * Claims the type's action and applies its effect in one conditional write: false when the action
   * already fired at or after `windowStart` (another request won, or this one ran before a crash).
   */
  applyAction(change: ActionChange): Promise<boolean>;
  markEmitted(email: string, type: BounceType, bounceId: string): Promise<void>;
  /**
   * Writes the tombstone first, then removes the subscriber's bounces and record; safe to repeat.
   * `removed` hears of each batch of counted bounces as it goes (not those an operator had already
   * deleted), so the statistics lose what the erase took.
   */
  erase(email: string, removed?: (bounces: readonly Bounce[]) => Promise<void>): Promise<void>;
  /**
   * Sets the given fields of an existing record. Re-enabling a blocklisted subscriber clears the
   * fired actions, so a new crossing of a threshold acts again.
   */
  update(email: string, changes: SubscriberChanges, at: string): Promise<void>;
  /**
   * In one write: status `enabled`, the fired actions cleared and re-armed from `entry.at`, the entry
   * added to the history; lists stay as they are. NotFoundError when there is no record.
   */
  reenable(email: string, entry: ReenabledEntry): Promise<void>;
}

export interface SubscriberChanges {
  uuid?: string;
  name?: string;
  status?: SubscriberStatus;
  lists?: Record<string, ListStatus>;
  fired?: Subscriber['fired'];
  rearmed_at?: string;
}

export interface ActionChange {
  subscriber: Subscriber;
  entry: ActionHistoryEntry;
  /** ISO time; an earlier firing before it is outside the window and may fire again. */
  windowStart?: string;
}

export interface PutResult {
  /** The stored bounce: for a duplicate, the one stored by the first delivery. */
  bounce: Bounce;
  duplicate: boolean;
}

export interface BounceStore {
  /**
   * Stores the bounce once per `event_key` (a conditional write); repeats complete a half-done put.
   * A bounce whose id derives from its key (`claimsOwnKey`) is its own claim: one write.
   */
  put(bounce: Bounce): Promise<PutResult>;
  /** Stores a bounce an event item claimed, unless it is stored: completes a delivery cut short. */
  restore(bounce: Bounce): Promise<void>;
  /** The subscriber's bounces of a type at or after `since` (all time without it), consistent. */
  count(email: string, type: BounceType, since?: string): Promise<number>;
  /** The subscriber's stored bounces per type, all time. */
  countByType(email: string): Promise<Record<BounceType, number>>;
  get(id: string): Promise<ListedBounce | null>;
  list(query: BounceQuery): Promise<BouncePage>;
  /** Deletes the bounces with these ids; returns how many existed. Their event keys stay claimed. */
  deleteByIds(ids: readonly string[]): Promise<number>;
  /** Deletes at most `limit` bounces matching the filters, oldest first; `more` when some remain. */
  deleteMatching(filters: BounceFilters, limit: number): Promise<{ deleted: number; more: boolean }>;
}

export interface BouncePage {
  results: ListedBounce[];
  /** Opaque; null on the last page. */
  next_cursor: string | null;
}

export interface SettingsSource {
  get(): Promise<BounceSettings>;
}

export interface ApiUser {
  name: string;
  /** SHA-256 (hex) of the token: stores keep digests, so a leaked store does not leak tokens. */
  tokenSha256: string;
  permissions: readonly string[];
}

export interface UserStore {
  find(name: string): Promise<ApiUser | null>;
}

/** What fired, as recordBounce (and re-enabling) hand it to the publisher; see outbound/event-document.ts. */
export interface OutboundEvent {
  type:
    | 'subscriber.unsubscribed'
    | 'subscriber.blocklisted'
    | 'subscriber.deleted'
    | 'subscriber.reenabled'
    | 'bounce.recorded';
  email: string;
  subscriber_uuid?: string;
  bounce_id?: string;
  bounce_type?: BounceType;
  count?: number;
  at: string;
  /** The bounce that fired the event (absent on a re-enable). */
  bounce?: Pick<Bounce, 'type' | 'reason' | 'status' | 'source' | 'campaign_uuid' | 'created_at'>;
  /** Who re-enabled the subscriber (the API user), on `subscriber.reenabled`. */
  by?: string;
}

export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
