import { BounceError, ValidationError } from '../errors.js';
import type { Clock, SubscriberStore } from '../ports.js';
import { bareSubscriber } from './subscriber.js';
import { MAX_UPSERT, parseSubscriberUpsert, type SubscriberUpsert } from './subscriber-input.js';

export interface UpsertItemResult {
  index: number;
  email?: string;
  uuid?: string;
  outcome: 'created' | 'updated' | 'error';
  message?: string;
}

async function upsertOne(
  store: SubscriberStore,
  item: SubscriberUpsert,
  now: string,
): Promise<'created' | 'updated'> {
  const { subscriber, tombstoned } = await store.findByEmail(item.email);
  if (tombstoned)
    throw new ValidationError('email', 'was deleted by a bounce action and cannot be imported again');
  const owner = await store.findByUuid(item.uuid);
  if (owner && owner.email !== item.email) throw new ValidationError('uuid', 'belongs to another address');
  if (subscriber) {
    const reenabled = subscriber.status === 'blocklisted' && item.status === 'enabled';
    await store.update(item.email, reenabled ? { ...item, fired: {}, rearmed_at: now } : item, now);
    return 'updated';
  }
  const fresh = { ...bareSubscriber(item.email, item.uuid, now), ...item };
  if (await store.create(fresh)) return 'created';
  await store.update(item.email, item, now);
  return 'updated';
}

/**
 * Bulk upsert (<= 1000): every item is answered on its own, so one bad row never refuses the rest.
 * A later duplicate of an email or uuid within the batch is an error for that item.
 */
export async function upsertSubscribers(
  store: SubscriberStore,
  clock: Clock,
  raw: unknown,
): Promise<UpsertItemResult[]> {
  if (!Array.isArray(raw)) throw new ValidationError('body', 'must be a JSON array of subscribers');
  if (raw.length === 0) throw new ValidationError('body', 'is an empty array');
  if (raw.length > MAX_UPSERT) throw new ValidationError('body', `holds more than ${MAX_UPSERT} subscribers`);
  const now = clock.now().toISOString();
  const seenEmails = new Set<string>();
  const seenUuids = new Set<string>();
  const results: UpsertItemResult[] = new Array(raw.length);
  const work: { index: number; item: SubscriberUpsert }[] = [];
  raw.forEach((entry, index) => {
    try {
      const item = parseSubscriberUpsert(entry, `[${index}]`);
      if (seenEmails.has(item.email))
        throw new ValidationError(`[${index}].email`, 'appears earlier in this batch');
      if (seenUuids.has(item.uuid))
        throw new ValidationError(`[${index}].uuid`, 'appears earlier in this batch');
      seenEmails.add(item.email);
      seenUuids.add(item.uuid);
      work.push({ index, item });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      results[index] = { index, outcome: 'error', message: error.message };
    }
  });
  // A few at a time: each item is 2-3 requests, and a 1,000-item batch must finish well inside a minute.
  for (let i = 0; i < work.length; i += 10) {
    await Promise.all(
      work.slice(i, i + 10).map(async ({ index, item }) => {
        try {
          results[index] = {
            index,
            email: item.email,
            uuid: item.uuid,
            outcome: await upsertOne(store, item, now),
          };
        } catch (error) {
          if (!(error instanceof BounceError) || error.kind === 'internal') throw error;
          results[index] = {
            index,
            email: item.email,
            uuid: item.uuid,
            outcome: 'error',
            message: `[${index}].${error.message}`,
          };
        }
      }),
    );
  }
  return results;
}
