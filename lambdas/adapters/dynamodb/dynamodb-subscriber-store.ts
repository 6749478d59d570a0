import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Bounce, BounceType } from '../../core/bounces/bounce.js';
import { claimsOwnKey } from '../../core/bounces/bounce-id.js';
import { NotFoundError } from '../../core/errors.js';
import type { ActionChange, EmailLookup, SubscriberChanges, SubscriberStore } from '../../core/ports.js';
import type { ReenabledEntry, Subscriber } from '../../core/subscribers/subscriber.js';
import { batchDelete, batchGet } from './batch.js';
import type { Item } from './bounce-item.js';
import { isConditionFailure, storage } from './client.js';
import { BOUNCE_PREFIX, keys } from './keys.js';
import { INDEX } from './table.js';

const KEY_FIELDS = ['pk', 'sk', 'lk'];

export function itemToSubscriber(item: Item): Subscriber {
  const copy = { ...item };
  for (const field of KEY_FIELDS) delete copy[field];
  return copy as unknown as Subscriber;
}

export function subscriberToItem(s: Subscriber): Item {
  return { ...keys.subscriber(s.email), ...(s.uuid ? { lk: keys.uuidLookup(s.uuid) } : {}), ...s };
}

/** Builds the effect of an action as SET clauses over the subscriber item. */
function actionUpdate(
  change: ActionChange,
): Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ConditionExpression'
> {
  const { subscriber, entry, windowStart } = change;
  const names: Record<string, string> = { '#fired': 'fired', '#type': entry.type };
  const values: Record<string, unknown> = {
    ':fired': { action: entry.action, at: entry.at, bounce_id: entry.bounce_id, emitted: false },
    ':entry': [entry],
    ':empty': [],
    ':now': entry.at,
  };
  const sets = [
    '#fired.#type = :fired',
    'history = list_append(if_not_exists(history, :empty), :entry)',
    'updated_at = :now',
  ];
  if (entry.action === 'blocklist') {
    names['#status'] = 'status';
    values[':blocklisted'] = 'blocklisted';
    sets.push('#status = :blocklisted');
  }
  if (entry.action === 'blocklist' || entry.action === 'unsubscribe') {
    Object.keys(subscriber.lists).forEach((list, i) => {
      values[':unsub'] = 'unsubscribed';
      names[`#l${i}`] = list;
      sets.push(`lists.#l${i} = :unsub`);
    });
  }
  let condition = 'attribute_exists(pk) AND (attribute_not_exists(#fired.#type)';
  if (windowStart) {
    names['#at'] = 'at';
    values[':ws'] = windowStart;
    condition += ' OR #fired.#type.#at < :ws';
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `${condition})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export class DynamoDbSubscriberStore implements SubscriberStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async findByEmail(email: string, eventKey?: string): Promise<EmailLookup> {
    const wanted = [keys.subscriber(email), keys.tombstone(email)];
    // The event item rides in the same read: it costs no request of its own.
    if (eventKey) wanted.push(keys.event(eventKey));
    const items = await batchGet(this.db, this.table, wanted);
    const sub = items.find((item) => item.sk === 'SUB');
    const event = items.find((item) => item.sk === 'EVT');
    const claimed = typeof event?.bounce === 'string' ? (JSON.parse(event.bounce) as Bounce) : undefined;
    return {
      subscriber: sub ? itemToSubscriber(sub) : null,
      tombstoned: items.some((item) => item.sk === 'TOMB'),
      ...(claimed ? { claimed: { bounce: claimed, deleted: event?.deleted === true } } : {}),
    };
  }

  async findByUuid(uuid: string): Promise<Subscriber | null> {
    const res = await storage('find subscriber by uuid', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.lookup.name,
          KeyConditionExpression: 'lk = :lk',
          ExpressionAttributeValues: { ':lk': keys.uuidLookup(uuid) },
          Limit: 1,
        }),
      ),
    );
    const item = res.Items?.[0];
    return item ? itemToSubscriber(item) : null;
  }

  async create(subscriber: Subscriber): Promise<boolean> {
    try {
      await storage('create subscriber', () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: subscriberToItem(subscriber),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async applyAction(change: ActionChange): Promise<boolean> {
    const key = keys.subscriber(change.subscriber.email);
    try {
      await storage('apply action', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            ...actionUpdate(change),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The condition also fails when this very claim was written by an earlier attempt whose answer
      // was lost (the SDK retried it): the claim naming this bounce is ours, so the action goes on.
      // DynamoDB hands back the item with the failure; emulators that do not (dynalite) cost a read.
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      const item = old ? unmarshall(old) : await this.read(key);
      const fired = (item?.fired as Subscriber['fired'] | undefined)?.[change.entry.type];
      return fired?.bounce_id === change.entry.bounce_id && fired.at === change.entry.at;
    }
  }

  private async read(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const res = await storage('read subscriber', () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })),
    );
    return res.Item;
  }

  async markEmitted(email: string, type: BounceType, bounceId: string): Promise<void> {
    try {
      await storage('mark action emitted', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.subscriber(email),
            UpdateExpression: 'SET fired.#type.emitted = :yes',
            ConditionExpression: 'fired.#type.bounce_id = :id',
            ExpressionAttributeNames: { '#type': type },
            ExpressionAttributeValues: { ':yes': true, ':id': bounceId },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async update(email: string, changes: SubscriberChanges, at: string): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':at': at };
    const sets = ['updated_at = :at'];
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    if (changes.uuid) {
      values[':lk'] = keys.uuidLookup(changes.uuid);
      sets.push('lk = :lk');
    }
    try {
      await storage('update subscriber', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.subscriber(email),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`subscriber ${email} not found`);
      throw error;
    }
  }

  async reenable(email: string, entry: ReenabledEntry): Promise<void> {
    try {
      await storage('re-enable subscriber', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.subscriber(email),
            UpdateExpression:
              'SET #status = :enabled, fired = :none, rearmed_at = :at, updated_at = :at, ' +
              'history = list_append(if_not_exists(history, :empty), :entry)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':enabled': 'enabled',
              ':none': {},
              ':at': entry.at,
              ':empty': [],
              ':entry': [entry],
            },
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`subscriber ${email} not found`);
      throw error;
    }
  }

  async erase(email: string, removed?: (bounces: readonly Bounce[]) => Promise<void>): Promise<void> {
    // The tombstone goes first: from then on no bounce or import can bring the address back, and a
    // retry that finds it finishes the removal.
    await storage('write tombstone', () =>
      this.db.send(new PutCommand({ TableName: this.table, Item: keys.tombstone(email) })),
    );
    const subKey = keys.subscriber(email);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await storage('list subscriber items', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': subKey.pk },
            // What the statistics need to uncount a bounce, besides the keys.
            ProjectionExpression:
              'pk, sk, id, email, created_at, event_key, #type, reason, #source, campaign_uuid, deleted',
            ExpressionAttributeNames: { '#type': 'type', '#source': 'source' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      const doomed: { pk: string; sk: string }[] = [];
      const counted: Bounce[] = [];
      for (const item of page.Items ?? []) {
        if (item.sk === subKey.sk) continue;
        doomed.push({ pk: item.pk, sk: item.sk });
        // A bounce an operator deleted left its claim behind, already uncounted.
        if (String(item.sk).startsWith(BOUNCE_PREFIX) && item.deleted !== true) {
          counted.push({ ...(item as Bounce), meta: {} });
        }
        // Bounces that are their own claim have no event item to remove.
        const bounce = item as Pick<Bounce, 'id' | 'email' | 'created_at' | 'event_key'>;
        if (typeof bounce.event_key === 'string' && !claimsOwnKey(bounce)) {
          doomed.push(keys.event(bounce.event_key));
        }
      }
      await batchDelete(this.db, this.table, doomed);
      if (removed && counted.length) await removed(counted);
      start = page.LastEvaluatedKey;
    } while (start);
    await batchDelete(this.db, this.table, [subKey]);
  }
}
