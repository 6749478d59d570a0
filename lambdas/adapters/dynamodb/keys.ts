import type { Bounce, BounceType } from '../../core/bounces/bounce.js';
import { emailHash } from '../../core/bounces/record-bounce.js';

/**
 * How many partition keys each busy list key is spread over. DynamoDB serves about 1,000 writes per
 * second per partition key (of the table and of each index); every bounce lands on one shard of the
 * all-bounces key, of its type and of its source, so the ceiling is SHARDS times that. It may grow
 * (readers query shards 0..SHARDS-1, and old items stay in lower shards), never shrink.
 */
export const SHARDS = 8;

/** FNV-1a over the id: the same bounce always lands on the same shard, ids spread evenly. */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS;
}

/** Key builders: the only place that knows how items are addressed. */
export const keys = {
  subscriber: (email: string) => ({ pk: `SUB#${email}`, sk: 'SUB' }),
  tombstone: (email: string) => ({ pk: `TOMB#${emailHash(email)}`, sk: 'TOMB' }),
  event: (eventKey: string) => ({ pk: `EVT#${eventKey}`, sk: 'EVT' }),
  bounce: (b: Pick<Bounce, 'email' | 'created_at' | 'id'>) => ({
    pk: `SUB#${b.email}`,
    sk: `${BOUNCE_PREFIX}${b.created_at}#${b.id}`,
  }),
  settings: () => ({ pk: 'SETTINGS', sk: 'bounce' }),
  /** The table's layout version, written by `npm run migrate` (and on a new local table). */
  schema: () => ({ pk: 'META', sk: 'schema' }),
  uuidLookup: (uuid: string) => `UUID#${uuid}`,
  idLookup: (id: string) => `ID#${id}`,
};

/**
 * Partition keys of the list indexes (all sort by `ts`), each spread over SHARDS keys. Type rides in
 * the key wherever a filter pairs with it, so `source`+`type` and `campaign_uuid`+`type` are one key
 * (times the shards) each; `source` alone merges its three types, `campaign_uuid` alone likewise. A
 * big send's bounces all carry its campaign, so its keys are sharded like the others.
 */
export const listKeys = {
  all: (shard: number) => `BOUNCE#${shard}`,
  type: (type: BounceType, shard: number) => `${type}#${shard}`,
  source: (source: string, type: BounceType, shard: number) => `${source}#${type}#${shard}`,
  campaign: (campaign: string, type: BounceType, shard: number) => `${campaign}#${type}#${shard}`,
};

/** The layout `listKeys` describes; items written before it need `npm run migrate`. */
export const SCHEMA_VERSION = 2;

/** Bounces sort after the subscriber item (`SUB`) in its partition, by time. */
export const BOUNCE_PREFIX = 'B#';
/** Sorts after every `<iso time>#<id>` suffix. */
export const HIGH = '~';
