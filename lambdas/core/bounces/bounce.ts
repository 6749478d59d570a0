import type { Reason } from './reasons.js';

export const BOUNCE_TYPES = ['hard', 'soft', 'complaint'] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

export function isBounceType(value: unknown): value is BounceType {
  return typeof value === 'string' && (BOUNCE_TYPES as readonly string[]).includes(value);
}

/** What a bounce says, alike when a source hands it in and when it is stored. */
interface BounceFields {
  subscriber_uuid?: string;
  campaign_uuid?: string;
  type: BounceType;
  reason: Reason;
  status?: string;
  diagnostic?: string;
  source: string;
  meta: Record<string, unknown>;
  /** Idempotency key: one stored bounce per key, whatever the number of deliveries. */
  event_key?: string;
  /**
   * For a key that is a one-time token rather than the event's own id (Mailgun's signed token): what
   * the event is, claimed with the key in the same conditional write. A later request with the same
   * key is a duplicate only when its fingerprint matches; another event under a used token is refused
   * (401). Such a key is claimed by an item of its own, whatever address or time the event names.
   * Stored with the bounce and its key's claim; never shown.
   */
  event_fingerprint?: string;
}

/** A bounce as every source hands it to the recording use case, already validated. */
export interface BounceInput extends BounceFields {
  email?: string;
  /** When the bounce happened (ISO 8601, UTC); the clock's now when the source does not say. */
  created_at?: string;
  /**
   * Which identifier finds the subscriber first. The generic webhook trusts its caller's uuid;
   * providers echo a header anyone could have set, so their email decides (DESIGN §6).
   */
  resolve_by?: 'uuid' | 'email';
}

/** A stored bounce. */
export interface Bounce extends BounceFields {
  id: string;
  email: string;
  created_at: string;
}

/** A bounce in a listing: the stored bounce plus the subscriber's current status. */
export interface ListedBounce extends Bounce {
  subscriber_status: SubscriberStatus | null;
}

export type SubscriberStatus = 'enabled' | 'blocklisted';
