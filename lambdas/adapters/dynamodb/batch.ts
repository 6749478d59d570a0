import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InternalError } from '../../core/errors.js';
import type { Item } from './bounce-item.js';
import { storage } from './client.js';

type Key = { pk: string; sk: string };
const MAX_ATTEMPTS = 8;

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
}

/**
 * BatchGetItem (consistent), retrying unprocessed keys with backoff. Chunks of 100 keys are
 * independent, so they are read concurrently: a page of 1,000 bounces costs one round trip, not ten.
 */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  wanted: Key[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Item[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  const read = await Promise.all(chunks.map((chunk) => batchGetChunk(db, table, chunk, projection)));
  return read.flat();
}

async function batchGetChunk(
  db: DynamoDBDocumentClient,
  table: string,
  chunk: Key[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Item[]> {
  const out: Item[] = [];
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_ATTEMPTS) throw new InternalError('storage failed: batch get kept throttling');
    if (attempt > 0) await pause(attempt);
    const res = await storage('batch get', () =>
      db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: true,
              ...(projection
                ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
                : {}),
            },
          },
        }),
      ),
    );
    out.push(...((res.Responses?.[table] ?? []) as Item[]));
    pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
  }
  return out;
}

export type WriteRequest = { DeleteRequest: { Key: Key } } | { PutRequest: { Item: Item } };

/** BatchWriteItem deletes in chunks of 25, retrying unprocessed items with backoff. */
export function batchDelete(db: DynamoDBDocumentClient, table: string, doomed: Key[]): Promise<void> {
  return batchWrite(
    db,
    table,
    doomed.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

/** BatchWriteItem in chunks of 25, retrying unprocessed items with backoff. */
export async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new InternalError('storage failed: batch delete kept throttling');
      if (attempt > 0) await pause(attempt);
      const res = await storage('batch delete', () =>
        db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } })),
      );
      pending = (res.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
}
