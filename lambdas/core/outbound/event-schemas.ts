import { EVENT_TYPES, type EventType } from './event-document.js';

/**
 * One JSON Schema (draft 2020-12) per outbound event type: the contract with receivers, served at
 * `GET /api/outbound/schemas` and checked against every event the tests produce.
 */
const UUID = { type: 'string', format: 'uuid' } as const;
const BOUNCE_TYPE = { enum: ['hard', 'soft', 'complaint'] } as const;

const subscriber = {
  type: 'object',
  additionalProperties: false,
  required: ['uuid', 'email'],
  properties: {
    uuid: { anyOf: [UUID, { type: 'null' }], description: "the sending app's subscriber uuid, when known" },
    email: { type: 'string', minLength: 3 },
  },
} as const;

const redactedSubscriber = {
  type: 'object',
  additionalProperties: false,
  required: ['uuid', 'email_sha256'],
  properties: { uuid: { type: 'null' }, email_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
} as const;

const bounce = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'reason', 'status', 'source', 'campaign_uuid'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: BOUNCE_TYPE,
    reason: { type: 'string' },
    status: { type: ['string', 'null'], description: 'enhanced status code such as 5.1.1' },
    source: { type: 'string' },
    campaign_uuid: { anyOf: [UUID, { type: 'null' }] },
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;

const counts = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'count'],
  properties: { type: BOUNCE_TYPE, count: { type: 'integer', minimum: 1 } },
} as const;

const ACTION: Record<EventType, string | null> = {
  'subscriber.blocklisted': 'blocklist',
  'subscriber.unsubscribed': 'unsubscribe',
  'subscriber.deleted': 'delete',
  'subscriber.reenabled': 'reenable',
  'bounce.recorded': null,
};

const DESCRIPTION: Record<EventType, string> = {
  'subscriber.blocklisted': 'A bounce rule blocklisted the subscriber: stop mailing the address.',
  'subscriber.unsubscribed': 'A bounce rule unsubscribed the subscriber from every list.',
  'subscriber.deleted':
    'A bounce rule deleted the subscriber; the address is sent so it can be deleted elsewhere too.',
  'subscriber.reenabled': 'A person re-enabled the subscriber, undoing an action.',
  'bounce.recorded': 'A bounce or complaint was recorded (only sent to sinks that ask for it).',
};

export function eventSchema(type: EventType): Record<string, unknown> {
  const withBounce = type !== 'subscriber.reenabled';
  const withCounts = type !== 'subscriber.reenabled' && type !== 'bounce.recorded';
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:stmails-bounce:event:${type}`,
    title: type,
    description: DESCRIPTION[type],
    type: 'object',
    additionalProperties: false,
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { const: type },
      timestamp: { type: 'string', format: 'date-time' },
      data: {
        type: 'object',
        additionalProperties: false,
        required: ['event_id', 'subscriber', 'action', 'bounce', 'counts'],
        properties: {
          event_id: { type: 'string', pattern: '^msg_[0-9a-f]{32}$', description: 'also the webhook-id' },
          subscriber:
            type === 'subscriber.deleted' ? { oneOf: [subscriber, redactedSubscriber] } : subscriber,
          action: ACTION[type] === null ? { type: 'null' } : { const: ACTION[type] },
          bounce: withBounce ? bounce : { type: 'null' },
          counts: withCounts ? counts : { type: 'null' },
        },
      },
    },
  };
}

export function eventSchemas(): Record<EventType, Record<string, unknown>> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, eventSchema(t)])) as Record<
    EventType,
    Record<string, unknown>
  >;
}
