import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DeliveryStatus, OutboxItem, OutboxPage, OutboxStore } from '../../core/outbound/ports.js';
import { batchDelete } from './batch.js';
import { isConditionFailure, storage } from './client.js';
import { INDEX } from './table.js';

type Row = Record<string, unknown>;
const PART = { pending: 'OUTBOX#pending', failed: 'OUTBOX#failed', done: 'OUTBOX#done' } as const;
/** Mixed items (one sink failed, another pending) sit in `pending`; listings look there too, this far. */
const EXTRA_SCAN = 200;

const itemKey = (subject: string, eventId: string) => ({ pk: `OUT#${subject}`, sk: eventId });
const lookupKey = (eventId: string) => `OB#${eventId}`;

/** Where the item sits in the `outbox` index: pending by due time, else by when it finished. */
function placement(item: OutboxItem): { ob_pk: string; ob_due: string } {
  const states = Object.values(item.deliveries);
  const pending = states.filter((s) => s.status === 'pending');
  if (pending.length > 0) {
    const due = pending.map((s) => s.next_attempt_at ?? '').sort()[0];
    // The seq breaks ties, so one subscriber's events due at once are taken in order.
    return { ob_pk: PART.pending, ob_due: `${due}#${item.seq}` };
  }
  const finished = states.map((s) => s.last_attempt_at ?? item.created_at).sort();
  const last = finished[finished.length - 1] ?? item.created_at;
  const failed = states.some((s) => s.status === 'failed');
  return { ob_pk: failed ? PART.failed : PART.done, ob_due: `${last}#${item.seq}` };
}

function toRow(item: OutboxItem): Row {
  return {
    ...itemKey(item.subject, item.doc.data.event_id),
    lk: lookupKey(item.doc.data.event_id),
    subject: item.subject,
    seq: item.seq,
    doc: item.doc,
    deliveries: item.deliveries,
    created_at: item.created_at,
    ...placement(item),
  };
}

function fromRow(row: Row): OutboxItem {
  return {
    subject: row.subject as string,
    seq: row.seq as string,
    doc: row.doc as OutboxItem['doc'],
    deliveries: row.deliveries as OutboxItem['deliveries'],
    created_at: row.created_at as string,
  };
}

function encodeCursor(key: Row | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function decodeCursor(cursor: string | undefined): Row | undefined {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Row;
  } catch {
    return undefined;
  }
}

/** The outbox in the single table (README "Data model"): one item per event, its deliveries inside. */
export class DynamoDbOutboxStore implements OutboxStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(item: OutboxItem): Promise<void> {
    try {
      await storage('outbox add', () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: toRow(item),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async partition(part: string, limit: number, options: { before?: string; start?: Row } = {}) {
    const res = await storage('outbox query', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.outbox.name,
          KeyConditionExpression: options.before ? 'ob_pk = :p AND ob_due <= :d' : 'ob_pk = :p',
          ExpressionAttributeValues: { ':p': part, ...(options.before ? { ':d': options.before } : {}) },
          Limit: limit,
          ...(options.start ? { ExclusiveStartKey: options.start } : {}),
        }),
      ),
    );
    return { rows: (res.Items ?? []) as Row[], last: res.LastEvaluatedKey as Row | undefined };
  }

  async due(now: string, limit: number): Promise<OutboxItem[]> {
    // `~` sorts after the `#seq` suffix, so everything due at `now` itself is included.
    const { rows } = await this.partition(PART.pending, limit, { before: `${now}~` });
    return rows.map(fromRow);
  }

  async bySubject(subject: string): Promise<OutboxItem[]> {
    const res = await storage('outbox by subject', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `OUT#${subject}` },
          ConsistentRead: true,
        }),
      ),
    );
    return ((res.Items ?? []) as Row[]).map(fromRow).sort((a, b) => (a.seq < b.seq ? -1 : 1));
  }

  async get(eventId: string): Promise<OutboxItem | null> {
    const res = await storage('outbox lookup', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.lookup.name,
          KeyConditionExpression: 'lk = :lk',
          ExpressionAttributeValues: { ':lk': lookupKey(eventId) },
        }),
      ),
    );
    const found = res.Items?.[0] as Row | undefined;
    if (!found) return null;
    // The index is eventually consistent: read the item itself.
    const item = await storage('outbox get', () =>
      this.db.send(
        new GetCommand({ TableName: this.table, Key: { pk: found.pk, sk: found.sk }, ConsistentRead: true }),
      ),
    );
    return item.Item ? fromRow(item.Item as Row) : null;
  }

  async claim(item: OutboxItem, now: string, until: string): Promise<boolean> {
    try {
      await storage('outbox claim', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: itemKey(item.subject, item.doc.data.event_id),
            UpdateExpression: 'SET lease_until = :until',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)',
            ExpressionAttributeValues: { ':until': until, ':now': now },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async save(item: OutboxItem): Promise<void> {
    // A put without `lease_until` releases the lease with the write.
    await storage('outbox save', () =>
      this.db.send(new PutCommand({ TableName: this.table, Item: toRow(item) })),
    );
  }

  async list(status: DeliveryStatus, limit: number, cursor?: string): Promise<OutboxPage> {
    const own = status === 'pending' ? PART.pending : status === 'failed' ? PART.failed : PART.done;
    const start = decodeCursor(cursor);
    const extras: OutboxItem[] = [];
    if (!start) {
      const others =
        status === 'failed' ? [PART.pending] : status === 'delivered' ? [PART.pending, PART.failed] : [];
      for (const part of others) {
        const { rows } = await this.partition(part, EXTRA_SCAN);
        extras.push(
          ...rows.map(fromRow).filter((i) => Object.values(i.deliveries).some((d) => d.status === status)),
        );
      }
    }
    const { rows, last } = await this.partition(own, limit, start ? { start } : {});
    return { items: [...extras, ...rows.map(fromRow)], next_cursor: encodeCursor(last) };
  }

  async pruneFinished(before: string, limit: number): Promise<number> {
    const { rows } = await this.partition(PART.done, limit, { before });
    await batchDelete(
      this.db,
      this.table,
      rows.map((r) => ({ pk: r.pk as string, sk: r.sk as string })),
    );
    return rows.length;
  }
}
