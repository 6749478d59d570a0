import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoDbClient } from '../../lambdas/adapters/dynamodb/client.js';
import { createTableInput } from '../../lambdas/adapters/dynamodb/table.js';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in this process on loopback: in memory, or persisted under `dataDir`. */
export async function startDynalite(dataDir?: string): Promise<LocalDynamoDb> {
  let path: string | undefined;
  if (dataDir) {
    path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** Credentials and region for a local endpoint, which checks neither. */
export function localClientConfig(endpoint: string) {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** Creates the table unless it exists (a persisted data dir, or an external endpoint). */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = createDynamoDbClient(localClientConfig(endpoint));
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = (createTableInput(tableName).GlobalSecondaryIndexes ?? [])
      .map((i) => i.IndexName)
      .filter((name) => !present.has(name));
    // dynalite cannot add an index to an existing table: say so rather than fail later.
    if (missing.length > 0)
      console.warn(
        `table ${tableName} lacks the index(es) ${missing.join(', ')} (made by an earlier version): ` +
          'outbound events need a fresh STMAILS_DATA_DIR',
      );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } finally {
    client.destroy();
  }
}
