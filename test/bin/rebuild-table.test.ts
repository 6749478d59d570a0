import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClientConfig } from '../../bin/local/local-dynamodb.js';
import { rebuildTableName } from '../../bin/local/rebuild-table.js';
import { createTableInput, INDEX } from '../../lambdas/adapters/dynamodb/table.js';

const client = new DynamoDBClient(localClientConfig(inject('ddbEndpoint')));
const db = DynamoDBDocumentClient.from(client);
afterAll(() => client.destroy());

let n = 0;
const fresh = () => `rebuild-${process.pid}-${Date.now()}-${n++}`;
const quiet = () => undefined;

async function create(input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 },
    { TableName: input.TableName },
  );
}

/** The table as a release before the outbox index made it. */
async function oldTable(tableName: string): Promise<void> {
  const input = createTableInput(tableName);
  input.GlobalSecondaryIndexes = input.GlobalSecondaryIndexes?.filter(
    (i) => i.IndexName !== INDEX.outbox.name,
  );
  await create(input);
}

async function put(tableName: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    const items = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({
      pk: `SUB#s${i + j}@example.com`,
      sk: 'SUB',
      email: `s${i + j}@example.com`,
    }));
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

async function emails(tableName: string): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) out.push(item.email as string);
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort();
}

async function indexNames(tableName: string): Promise<string[] | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName as string).sort();
  } catch {
    return undefined;
  }
}

const ALL_INDEXES = (createTableInput('x').GlobalSecondaryIndexes ?? [])
  .map((i) => i.IndexName as string)
  .sort();
const expected = (count: number) => Array.from({ length: count }, (_, i) => `s${i}@example.com`).sort();

describe('a local table made by an earlier release', () => {
  it('gains the indexes it lacks, with every item kept', async () => {
    const tableName = fresh();
    await oldTable(tableName);
    await put(tableName, 60);
    expect(await ensureTable(inject('ddbEndpoint'), tableName, quiet)).toBe(false);
    expect(await indexNames(tableName)).toEqual(ALL_INDEXES);
    expect(await emails(tableName)).toEqual(expected(60));
    expect(await indexNames(rebuildTableName(tableName))).toBeUndefined();
  });

  it('is restored from the side table when a rebuild stopped after dropping it', async () => {
    const tableName = fresh();
    const side = rebuildTableName(tableName);
    await create(createTableInput(side));
    await put(side, 30);
    await ensureTable(inject('ddbEndpoint'), tableName, quiet);
    expect(await emails(tableName)).toEqual(expected(30));
    expect(await indexNames(side)).toBeUndefined();
  });

  it('keeps every item when a rebuild stopped while copying them aside', async () => {
    const tableName = fresh();
    await oldTable(tableName);
    await put(tableName, 40);
    // A side table holding only part of the items: the original is still the whole truth.
    const side = rebuildTableName(tableName);
    await create(createTableInput(side));
    await put(side, 10);
    await ensureTable(inject('ddbEndpoint'), tableName, quiet);
    expect(await indexNames(tableName)).toEqual(ALL_INDEXES);
    expect(await emails(tableName)).toEqual(expected(40));
  });

  it('says what it does while it works', async () => {
    const tableName = fresh();
    await oldTable(tableName);
    await put(tableName, 5);
    const said: string[] = [];
    await ensureTable(inject('ddbEndpoint'), tableName, (message) => said.push(message));
    expect(said).toEqual([
      'adding the indexes this release needs (the items are kept)',
      'copied 5 items aside',
      'restored 5 items',
      'table made again with every index; 5 items kept',
    ]);
  });
});
