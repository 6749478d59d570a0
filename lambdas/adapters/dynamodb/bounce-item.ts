import type { Bounce } from '../../core/bounces/bounce.js';
import { BOUNCE_PREFIX, keys, listKeys, shardOf } from './keys.js';

export type Item = Record<string, unknown>;

/** The list-index attributes of a bounce (README "Data model"). */
export function listAttributes(b: Pick<Bounce, 'id' | 'type' | 'source' | 'campaign_uuid'>): Item {
  const shard = shardOf(b.id);
  return {
    all_pk: listKeys.all(shard),
    type_pk: listKeys.type(b.type, shard),
    source_pk: listKeys.source(b.source, b.type, shard),
    ...(b.campaign_uuid ? { campaign_pk: listKeys.campaign(b.campaign_uuid, b.type, shard) } : {}),
  };
}

/**
 * A bounce as stored: its keys for the subscriber partition, the lookup index and the list indexes,
 * plus its fields. `meta` is kept as JSON text: any JSON a caller sends stores as sent, including
 * numbers DynamoDB's number type cannot hold.
 */
export function bounceToItem(b: Bounce): Item {
  const { meta, ...fields } = b;
  return {
    ...keys.bounce(b),
    lk: keys.idLookup(b.id),
    ts: `${b.created_at}#${b.id}`,
    ...listAttributes(b),
    ...fields,
    meta_json: JSON.stringify(meta),
  };
}

/**
 * What stays of a deleted bounce that claimed its own event key: the item, so the key stays claimed
 * and a late redelivery is a duplicate, but in no index, in no count and in no listing.
 */
export function deletedBounceItem(b: Bounce): Item {
  const { meta, ...fields } = b;
  return { ...keys.bounce(b), ...fields, meta_json: JSON.stringify(meta), deleted: true };
}

const OPTIONAL = [
  'subscriber_uuid',
  'campaign_uuid',
  'status',
  'diagnostic',
  'event_key',
  'event_fingerprint',
] as const;

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

/** The list position of a bounce item, or of a LastEvaluatedKey (an index's `ts`, or the table's sk). */
export function positionOf(key: Item): string {
  if (typeof key.ts === 'string') return key.ts;
  return String(key.sk).slice(BOUNCE_PREFIX.length);
}
