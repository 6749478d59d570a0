import type { EventDocument } from './event-document.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

/** One event on its way to one sink. */
export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  /** ISO; null once delivered or dead-lettered. */
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_error: string | null;
  /** Something the sink said that is not an error, e.g. the app does not know the subscriber. */
  note: string | null;
}

/** A stored outbound event with its deliveries (one per sink that took it when it was written). */
export interface OutboxItem {
  /** SHA-256 of the subscriber's address: events of one subscriber are delivered in order. */
  subject: string;
  /** Orders the subject's events: write time, then the event's rank within one recording. */
  seq: string;
  doc: EventDocument;
  deliveries: Record<string, DeliveryState>;
  created_at: string;
}

export interface OutboxPage {
  items: OutboxItem[];
  next_cursor: string | null;
}

export interface OutboxStore {
  /** Stores the event once per event id (a repeat after a crash stores nothing new). */
  add(item: OutboxItem): Promise<void>;
  /** Items with a pending delivery due at or before `now`, soonest first. */
  due(now: string, limit: number): Promise<OutboxItem[]>;
  /** The subject's events, oldest first (a subscriber has few: delivered ones are pruned). */
  bySubject(subject: string): Promise<OutboxItem[]>;
  get(eventId: string): Promise<OutboxItem | null>;
  /** Leases the item for one dispatcher until `until`; false when another holds it. */
  claim(item: OutboxItem, now: string, until: string): Promise<boolean>;
  /** Writes the deliveries and document back and releases the lease. */
  save(item: OutboxItem): Promise<void>;
  /** Items holding a delivery in this status (pending and failed may overlap: one item, two sinks). */
  list(status: DeliveryStatus, limit: number, cursor?: string): Promise<OutboxPage>;
  /** Deletes up to `limit` items whose deliveries all finished before `before`. */
  pruneFinished(before: string, limit: number): Promise<number>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Capped: a receiver cannot make us read more than a few kilobytes. */
  body: string;
}

/** Sends one request under the egress rules; throws SendError when it could not be sent. */
export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** Could not send: `retryable` for timeouts and unreachable hosts, false for a refused target. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** Standard Webhooks signature: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
export interface WebhookSigner {
  sign(secret: string, id: string, at: Date, body: string): string;
}

/** The SES account-level suppression list (SES v2). */
export interface SuppressionList {
  put(email: string, reason: 'BOUNCE' | 'COMPLAINT'): Promise<void>;
  /** Absent addresses are fine: removing is idempotent. */
  remove(email: string): Promise<void>;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; note?: string }
  | { kind: 'retry'; error: string }
  | { kind: 'final'; error: string };
