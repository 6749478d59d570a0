import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Bounce, BounceType, ListedBounce, SubscriberStatus } from '../../core/bounces/bounce.js';
import { claimsOwnKey } from '../../core/bounces/bounce-id.js';
import type { BounceFilters, BounceQuery } from '../../core/bounces/bounce-query.js';
import { InternalError } from '../../core/errors.js';
import type { BouncePage, BounceStore, PutResult } from '../../core/ports.js';
import type { CursorSigner } from '../cursor-signer.js';
import { batchGet } from './batch.js';
import { bounceToItem, type Item, itemToBounce } from './bounce-item.js';
import { isConditionFailure, storage } from './client.js';
import { BOUNCE_PREFIX, HIGH, keys } from './keys.js';
import { listBounces } from './list-bounces.js';
import { removeBounces } from './remove-bounces.js';
import { INDEX } from './table.js';

export class DynamoDbBounceStore implements BounceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly cursors: CursorSigner,
  ) {}

  /** Puts the item unless it exists; true when this call wrote it. */
  private async putOnce(item: Item, what: string): Promise<boolean> {
    return (await this.putUnlessExists(item, what)).written;
  }

  /**
   * Conditional put that, on failure, hands back the existing item: DynamoDB returns it with the
   * failed condition (one request); emulators that do not (dynalite) cost one read more.
   */
  private async putUnlessExists(item: Item, what: string): Promise<{ written: boolean; existing?: Item }> {
    try {
      await storage(what, () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { written: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      return { written: false, ...(old ? { existing: unmarshall(old) } : {}) };
    }
  }

  async put(bounce: Bounce): Promise<PutResult> {
    if (!bounce.event_key || claimsOwnKey(bounce)) {
      // Every delivery of one event names the same item, so the item says which call wrote it: a
      // failed condition on our own write (the SDK retried a put whose answer was lost) is no duplicate.
      const writer = randomBytes(9).toString('base64url');
      const put = await this.putUnlessExists({ ...bounceToItem(bounce), writer }, 'store bounce');
      // Without an event key the id is fresh: a failed condition can only be a retried put of our own.
      if (put.written || !bounce.event_key) return { bounce, duplicate: false };
      // The bounce's own item is the claim: whoever wrote it first (also in a race lost just now) wins.
      const existing = put.existing ?? (await this.readItem(keys.bounce(bounce), 'read stored bounce'));
      if (!existing) throw new InternalError(`bounce ${bounce.id} vanished while being stored`);
      return { bounce: itemToBounce(existing), duplicate: existing.writer !== writer };
    }
    // No time from the event, so a redelivery brings another id: an event item claims the key and
    // remembers the bounce as first stored, and a redelivery resolves to that one.
    const eventKey = keys.event(bounce.event_key);
    const claim = await this.putUnlessExists(
      { ...eventKey, bounce: JSON.stringify(bounce) },
      'claim event key',
    );
    if (claim.written) {
      await this.putOnce(bounceToItem(bounce), 'store bounce');
      return { bounce, duplicate: false };
    }
    const existing = claim.existing ?? (await this.readItem(eventKey, 'read event key'));
    const stored = JSON.parse(String(existing?.bounce ?? 'null')) as Bounce | null;
    if (!stored) throw new InternalError(`event item ${bounce.event_key} holds no bounce`);
    // The first delivery may have stopped between claiming the key and storing the bounce.
    if (existing?.deleted !== true) await this.restore(stored);
    // A claim holding this very bounce was written by this call: an attempt whose answer was lost.
    return { bounce: stored, duplicate: stored.id !== bounce.id };
  }

  async restore(bounce: Bounce): Promise<void> {
    await this.putOnce(bounceToItem(bounce), 'complete stored bounce');
  }

  private async readItem(key: { pk: string; sk: string }, what: string): Promise<Item | undefined> {
    const res = await storage(what, () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })),
    );
    return res.Item;
  }

  async count(email: string, type: BounceType, since?: string): Promise<number> {
    const pk = keys.subscriber(email).pk;
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await storage('count bounces', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            // A deleted bounce that claimed its own key stays as an item, counted nowhere.
            FilterExpression: '#type = :type AND attribute_not_exists(deleted)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':pk': pk,
              ':lo': `${BOUNCE_PREFIX}${since ?? ''}`,
              ':hi': `${BOUNCE_PREFIX}${HIGH}`,
              ':type': type,
            },
            Select: 'COUNT',
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      total += res.Count ?? 0;
      start = res.LastEvaluatedKey;
    } while (start);
    return total;
  }

  async countByType(email: string): Promise<Record<BounceType, number>> {
    const counts: Record<BounceType, number> = { hard: 0, soft: 0, complaint: 0 };
    let start: Record<string, unknown> | undefined;
    do {
      const res = await storage('count bounces by type', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':pk': keys.subscriber(email).pk, ':prefix': BOUNCE_PREFIX },
            ProjectionExpression: '#type, deleted',
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of res.Items ?? []) if (item.deleted !== true) counts[item.type as BounceType] += 1;
      start = res.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  async get(id: string): Promise<ListedBounce | null> {
    const item = await this.findItem(id);
    if (!item) return null;
    const [listed] = await this.withSubscriberStatus([itemToBounce(item)]);
    return listed ?? null;
  }

  list(query: BounceQuery): Promise<BouncePage> {
    return listBounces(this.db, this.table, this.cursors, query, (bounces) =>
      this.withSubscriberStatus(bounces),
    );
  }

  async deleteByIds(ids: readonly string[]): Promise<number> {
    const found: Bounce[] = [];
    const unique = [...new Set(ids)];
    // Lookups are independent reads of the index: a few at a time keeps a 1,000-id request short.
    for (let i = 0; i < unique.length; i += 16) {
      const batch = await Promise.all(unique.slice(i, i + 16).map((id) => this.findItem(id)));
      for (const item of batch) if (item) found.push(itemToBounce(item));
    }
    await removeBounces(this.db, this.table, found);
    return found.length;
  }

  async deleteMatching(filters: BounceFilters, limit: number): Promise<{ deleted: number; more: boolean }> {
    const page = await listBounces(
      this.db,
      this.table,
      this.cursors,
      { ...filters, order: 'asc', per_page: limit },
      async (b) => b.map((bounce) => ({ ...bounce, subscriber_status: null })),
    );
    await removeBounces(this.db, this.table, page.results);
    return { deleted: page.results.length, more: page.next_cursor !== null };
  }

  private async findItem(id: string): Promise<Item | undefined> {
    const res = await storage('get bounce', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.lookup.name,
          KeyConditionExpression: 'lk = :lk',
          ExpressionAttributeValues: { ':lk': keys.idLookup(id) },
          Limit: 1,
        }),
      ),
    );
    return res.Items?.[0];
  }

  /** Adds each subscriber's current status, one batched read per 100 addresses. */
  async withSubscriberStatus(bounces: Bounce[]): Promise<ListedBounce[]> {
    const emails = [...new Set(bounces.map((b) => b.email))];
    const items = await batchGet(
      this.db,
      this.table,
      emails.map((email) => keys.subscriber(email)),
      { expression: 'email, #status', names: { '#status': 'status' } },
    );
    const status = new Map(items.map((item) => [item.email as string, item.status as SubscriberStatus]));
    return bounces.map((b) => ({ ...b, subscriber_status: status.get(b.email) ?? null }));
  }
}
