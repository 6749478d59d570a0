import { createHash } from 'node:crypto';
import type { BounceType } from '../bounces/bounce.js';
import type { OutboundEvent } from '../ports.js';

export const EVENT_TYPES = [
  'subscriber.blocklisted',
  'subscriber.unsubscribed',
  'subscriber.deleted',
  'subscriber.reenabled',
  'bounce.recorded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The subscriber events a sink gets when it names no events. */
export const ACTION_EVENT_TYPES: readonly EventType[] = [
  'subscriber.blocklisted',
  'subscriber.unsubscribed',
  'subscriber.deleted',
  'subscriber.reenabled',
];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export interface EventSubscriber {
  uuid: string | null;
  email?: string;
  /** Only on a `subscriber.deleted` event after every sink delivered it: the address is gone. */
  email_sha256?: string;
}

export interface EventBounce {
  id: string;
  type: BounceType;
  reason: string;
  status: string | null;
  source: string;
  campaign_uuid: string | null;
  created_at?: string;
}

/** Standard Webhooks payload: `{type, timestamp, data}`; the same document goes to EventBridge. */
export interface EventDocument {
  type: EventType;
  timestamp: string;
  data: {
    /** Stable: the same event written twice (a retry after a crash) has the same id. */
    event_id: string;
    subscriber: EventSubscriber;
    action: 'blocklist' | 'unsubscribe' | 'delete' | 'reenable' | null;
    bounce: EventBounce | null;
    counts: { type: BounceType; count: number } | null;
  };
}

const ACTION_OF: Record<EventType, EventDocument['data']['action']> = {
  'subscriber.blocklisted': 'blocklist',
  'subscriber.unsubscribed': 'unsubscribe',
  'subscriber.deleted': 'delete',
  'subscriber.reenabled': 'reenable',
  'bounce.recorded': null,
};

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The id is derived from what identifies the event (type, bounce, subscriber, time), so repeating the
 * write after a crash stores the same event rather than a second one, and receivers dedupe by it.
 */
export function eventId(event: OutboundEvent): string {
  const basis = [event.type, event.bounce_id ?? '', event.email, event.bounce_id ? '' : event.at].join('\n');
  return `msg_${sha256Hex(basis).slice(0, 32)}`;
}

/** The document of a domain event, as sinks and EventBridge receive it. */
export function toEventDocument(event: OutboundEvent): EventDocument {
  const b = event.bounce;
  return {
    type: event.type,
    timestamp: event.at,
    data: {
      event_id: eventId(event),
      subscriber: { uuid: event.subscriber_uuid ?? null, email: event.email },
      action: ACTION_OF[event.type],
      bounce: event.bounce_id
        ? {
            id: event.bounce_id,
            type: (b?.type ?? event.bounce_type) as BounceType,
            reason: b?.reason ?? 'unknown',
            status: b?.status ?? null,
            source: b?.source ?? 'unknown',
            campaign_uuid: b?.campaign_uuid ?? null,
            ...(b?.created_at ? { created_at: b.created_at } : {}),
          }
        : null,
      counts:
        event.type !== 'bounce.recorded' && event.bounce_type && event.count !== undefined
          ? { type: event.bounce_type, count: event.count }
          : null,
    },
  };
}

/** A delivered `subscriber.deleted` keeps only the address's SHA-256. */
export function redactDeleted(doc: EventDocument): EventDocument {
  const email = doc.data.subscriber.email;
  if (doc.type !== 'subscriber.deleted' || email === undefined) return doc;
  return {
    ...doc,
    data: { ...doc.data, subscriber: { uuid: null, email_sha256: sha256Hex(email) } },
  };
}
