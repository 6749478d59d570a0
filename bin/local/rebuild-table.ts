import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../lambdas/adapters/dynamodb/table.js';

/** Where the items wait while their table is made again; its presence at start means a rebuild was cut short. */
export function rebuildTableName(tableName: string): string {
  return `${tableName}.rebuild`;
}

const WAIT = { maxWaitTime: 60, minDelay: 0.05, maxDelay: 0.5 };

/** The table's index names, or undefined when there is no such table. */
export async function tableIndexes(client: DynamoDBClient, tableName: string): Promise<string[] | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName as string);
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function create(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, ...WAIT }, { TableName: tableName });
}

async function drop(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists({ client, ...WAIT }, { TableName: tableName });
}

/** Copies every item; puts are idempotent, so a copy cut short is simply done again. */
async function copy(
  db: DynamoDBDocumentClient,
  from: string,
  to: string,
  progress: (copied: number) => void,
): Promise<number> {
  let copied = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500 }));
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let writes = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (writes.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [to]: writes } }));
        writes = (out.UnprocessedItems?.[to] ?? []) as typeof writes;
      }
    }
    copied += items.length;
    if (items.length > 0) progress(copied);
    start = page.LastEvaluatedKey;
  } while (start);
  return copied;
}

/**
 * Makes the table again with every current index, keeping its items. DynamoDB in AWS adds an index
 * on update, but the embedded store cannot add one to an existing table, so a data dir made by an
 * earlier release would lack, say, the outbox index. The items go to a side table first and the
 * original is dropped only once they are all there; a start that finds the side table finishes the
 * job from wherever it stopped.
 */
export async function rebuildTable(
  client: DynamoDBClient,
  tableName: string,
  progress: (message: string) => void,
): Promise<{ items: number }> {
  const db = DynamoDBDocumentClient.from(client);
  const side = rebuildTableName(tableName);
  const wanted = (createTableInput(tableName).GlobalSecondaryIndexes ?? []).map((i) => i.IndexName as string);
  const sideIndexes = await tableIndexes(client, side);
  let original = await tableIndexes(client, tableName);
  const originalComplete = original !== undefined && wanted.every((name) => original?.includes(name));
  if (original && !originalComplete) {
    // The original still holds everything: a side table left from a copy cut short is incomplete.
    if (sideIndexes) await drop(client, side);
    await create(client, side);
    await copy(db, tableName, side, (n) => progress(`copied ${n} items aside`));
    await drop(client, tableName);
    original = undefined;
  } else if (!sideIndexes) {
    return { items: 0 };
  }
  if (!original) await create(client, tableName);
  const items = await copy(db, side, tableName, (n) => progress(`restored ${n} items`));
  await drop(client, side);
  return { items };
}
