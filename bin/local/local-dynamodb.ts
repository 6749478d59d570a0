import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../lambdas/adapters/dynamodb/client.js';
import { createTableInput } from '../../lambdas/adapters/dynamodb/table.js';
import { rebuildTable, rebuildTableName, tableIndexes } from './rebuild-table.js';

export interface LocalDynamoDb {
  endpoint: string;
  /** The store's own process, so callers (and tests) can see it end with its parent. */
  pid: number;
  /** Requests the store has served since it started (benchmarks divide it by time). */
  served(): Promise<number>;
  close(): Promise<void>;
}

const CHILD = new URL('./dynalite-process.mjs', import.meta.url);
const START_TIMEOUT_MS = 30_000;

/**
 * Starts dynalite in a child process on loopback: in memory, or persisted under `dataDir`. Its own
 * process keeps its work off the service's event loop (the two used to compete for one core), and it
 * exits when this process's IPC channel closes, whatever way this process ends.
 */
export async function startDynalite(dataDir?: string): Promise<LocalDynamoDb> {
  let path: string | undefined;
  if (dataDir) {
    path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const options = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) };
  const child = fork(CHILD, [JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // A plain .mjs: the parent's TypeScript loader flags are not needed, and not every runner has them.
    execArgv: [],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dynalite did not start')), START_TIMEOUT_MS);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message?.port === 'number') resolve(message.port);
      else reject(new Error(`dynalite sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dynalite exited with ${code} before it listened`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    served: () =>
      new Promise<number>((resolve, reject) => {
        const onMessage = (message: { served?: number }) => {
          if (typeof message?.served !== 'number') return;
          child.off('message', onMessage);
          resolve(message.served);
        };
        child.on('message', onMessage);
        child.send('served', (error) => error && reject(error));
      }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null && child.connected) child.send('close');
      await exited;
    },
  };
}

/** Credentials and region for a local endpoint, which checks neither. */
export function localClientConfig(endpoint: string) {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/**
 * Creates the table unless it exists (a persisted data dir, or an external endpoint); true when it
 * created it. A table made by an earlier release without an index it needs now is made again with
 * its items kept (see rebuildTable), as is one whose rebuild was cut short.
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  progress: (message: string) => void = (message) => console.warn(`${tableName}: ${message}`),
): Promise<boolean> {
  const client = createDynamoDbClient(localClientConfig(endpoint));
  try {
    const wanted = (createTableInput(tableName).GlobalSecondaryIndexes ?? []).map(
      (i) => i.IndexName as string,
    );
    const [present, pending] = await Promise.all([
      tableIndexes(client, tableName),
      tableIndexes(client, rebuildTableName(tableName)),
    ]);
    if (pending || (present && wanted.some((name) => !present.includes(name)))) {
      progress('adding the indexes this release needs (the items are kept)');
      const { items } = await rebuildTable(client, tableName, progress);
      progress(`table made again with every index; ${items} items kept`);
      return false;
    }
    if (present) return false;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    // dynalite answers CreateTable while the table is still CREATING and refuses requests to it until
    // a timer flips it to ACTIVE; a caller that writes at once would race that timer.
    await waitUntilTableExists(
      { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 },
      { TableName: tableName },
    );
    return true;
  } finally {
    client.destroy();
  }
}
