import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable, localClientConfig } from '../../bin/local/local-dynamodb.js';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { createDynamoDbClient } from '../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { RecordDeps } from '../../lambdas/core/bounces/record-bounce.js';
import type { Clock } from '../../lambdas/core/ports.js';
import { FakeClock, RecordingPublisher } from './fakes.js';

export interface TestTable {
  tableName: string;
  endpoint: string;
  db: DynamoDBDocumentClient;
  /** Commands sent since the last `resetCommands()`, by name (QueryCommand, ScanCommand, …). */
  commands: string[];
  /**
   * Sequential round trips since the last `resetCommands()`: the longest chain of commands each sent
   * after the one before it was answered (commands in flight together count once).
   */
  roundTrips(): number;
  /** Items Queries read and then dropped by a FilterExpression since the last reset. */
  dropped(): number;
  resetCommands(): void;
  subscribers: DynamoDbSubscriberStore;
  bounces: DynamoDbBounceStore;
  /** Where the bounce store keeps its cursor key: tests read it to seal cursors of their own. */
  secrets: MemorySecretStore;
  cursors: CursorSigner;
}

/** A fresh table in the run's dynalite, with a client that records every command it sends. */
export async function testTable(): Promise<TestTable> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const endpoint = inject('ddbEndpoint');
  const tableName = `t-${randomUUID()}`;
  await ensureTable(endpoint, tableName);
  const client = createDynamoDbClient(localClientConfig(endpoint));
  const commands: string[] = [];
  // Depth of the chain each command ends: a command sent after others were answered is one deeper.
  let settledDepth = 0;
  let deepest = 0;
  let dropped = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName as string);
      const depth = settledDepth + 1;
      try {
        const out = await next(args);
        const read = out.output as { ScannedCount?: number; Count?: number };
        if (context.commandName === 'QueryCommand') dropped += (read.ScannedCount ?? 0) - (read.Count ?? 0);
        return out;
      } finally {
        settledDepth = Math.max(settledDepth, depth);
        deepest = Math.max(deepest, depth);
      }
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const secrets = new MemorySecretStore();
  const cursors = new CursorSigner(secrets);
  return {
    tableName,
    endpoint,
    db,
    commands,
    roundTrips: () => deepest,
    dropped: () => dropped,
    resetCommands: () => {
      commands.length = 0;
      dropped = 0;
      settledDepth = 0;
      deepest = 0;
    },
    subscribers: new DynamoDbSubscriberStore(db, tableName),
    bounces: new DynamoDbBounceStore(db, tableName, cursors),
    secrets,
    cursors,
  };
}

/** recordBounce's dependencies over a test table: its stores, a fake clock, a publisher that keeps events. */
export function recordDepsOver(table: TestTable, clock: Clock = new FakeClock()): RecordDeps {
  return {
    subscribers: table.subscribers,
    bounces: table.bounces,
    events: new RecordingPublisher(),
    clock,
    ids: ulidIds(),
  };
}
