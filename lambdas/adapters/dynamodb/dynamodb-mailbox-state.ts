import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MailboxStateStore, UidState } from '../../core/mailbox/ports.js';
import { batchDelete } from './batch.js';
import { isConditionFailure, storage } from './client.js';

const pk = (mailbox: string) => `MBOX#${mailbox}`;
const UID_PREFIX = 'UID#';

/**
 * Per-mailbox scan state in the table: `LEASE` (who scans, until when), `SCAN` (last scan time) and
 * one `UID#<uidl>` item per message left on the server, pruned when the message leaves it.
 */
export class DynamoDbMailboxState implements MailboxStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async acquireLease(mailbox: string, owner: string, now: string, until: string): Promise<boolean> {
    try {
      await storage('acquire mailbox lease', () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: pk(mailbox), sk: 'LEASE', owner, until },
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(mailbox: string, owner: string): Promise<void> {
    try {
      await storage('release mailbox lease', () =>
        this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { pk: pk(mailbox), sk: 'LEASE' },
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async states(mailbox: string): Promise<Map<string, UidState>> {
    const out = new Map<string, UidState>();
    let start: Record<string, unknown> | undefined;
    do {
      const res = await storage('read mailbox states', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :uid)',
            ExpressionAttributeValues: { ':pk': pk(mailbox), ':uid': UID_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of res.Items ?? []) {
        out.set(String(item.sk).slice(UID_PREFIX.length), {
          status: item.status,
          attempts: Number(item.attempts ?? 0),
          ...(item.note ? { note: String(item.note) } : {}),
        });
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putState(mailbox: string, uid: string, state: UidState): Promise<void> {
    await storage('write mailbox state', () =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: pk(mailbox), sk: `${UID_PREFIX}${uid}`, ...state },
        }),
      ),
    );
  }

  async prune(mailbox: string, uids: readonly string[]): Promise<void> {
    await batchDelete(
      this.db,
      this.table,
      uids.map((uid) => ({ pk: pk(mailbox), sk: `${UID_PREFIX}${uid}` })),
    );
  }

  async lastScan(mailbox: string): Promise<string | null> {
    const res = await storage('read last scan', () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: { pk: pk(mailbox), sk: 'SCAN' } })),
    );
    return typeof res.Item?.at === 'string' ? res.Item.at : null;
  }

  async setLastScan(mailbox: string, at: string): Promise<void> {
    await storage('write last scan', () =>
      this.db.send(new PutCommand({ TableName: this.table, Item: { pk: pk(mailbox), sk: 'SCAN', at } })),
    );
  }
}
