import type { ListedBounce } from '../../core/bounces/bounce.js';

/** The API's bounce object: every field, absent optional ones as null, so CSV and JSON agree. */
export function bounceJson(b: ListedBounce) {
  return {
    id: b.id,
    created_at: b.created_at,
    email: b.email,
    subscriber_uuid: b.subscriber_uuid ?? null,
    subscriber_status: b.subscriber_status,
    campaign_uuid: b.campaign_uuid ?? null,
    source: b.source,
    type: b.type,
    reason: b.reason,
    status: b.status ?? null,
    diagnostic: b.diagnostic ?? null,
    meta: b.meta,
    event_key: b.event_key ?? null,
  };
}
