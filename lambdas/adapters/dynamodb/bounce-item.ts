import type { Bounce } from '../../core/bounce.js';
import { ALL_PK, keys } from './keys.js';

export type Item = Record<string, unknown>;

/**
 * A bounce as stored: its keys for the subscriber partition, the lookup index and the list indexes,
 * plus its fields. `meta` is kept as JSON text: any JSON a caller sends stores as sent, including
 * numbers DynamoDB's number type cannot hold.
 */
export function bounceToItem(b: Bounce): Item {
  const ts = `${b.created_at}#${b.id}`;
  const { meta, ...fields } = b;
  return {
    ...keys.bounce(b),
    lk: keys.idLookup(b.id),
    ts,
    all_pk: ALL_PK,
    source_pk: b.source,
    type_pk: b.type,
    ...(b.campaign_uuid ? { campaign_pk: b.campaign_uuid } : {}),
    ...fields,
    meta_json: JSON.stringify(meta),
  };
}

const OPTIONAL = ['subscriber_uuid', 'campaign_uuid', 'status', 'diagnostic', 'event_key'] as const;

export function itemToBounce(item: Item): Bounce {
  const bounce: Bounce = {
    id: item.id as string,
    email: item.email as string,
    type: item.type as Bounce['type'],
    reason: item.reason as Bounce['reason'],
    source: item.source as string,
    meta: JSON.parse((item.meta_json as string | undefined) ?? '{}'),
    created_at: item.created_at as string,
  };
  for (const field of OPTIONAL) {
    if (typeof item[field] === 'string') bounce[field] = item[field] as string;
  }
  return bounce;
}
