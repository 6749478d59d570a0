import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbOutboxStore } from '../adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbSettingsRepository } from '../adapters/dynamodb/dynamodb-settings-repository.js';
import { DynamoDbSubscriberStore } from '../adapters/dynamodb/dynamodb-subscriber-store.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { LogEventPublisher } from '../adapters/log-event-publisher.js';
import { MemorySecretStore } from '../adapters/memory-secret-store.js';
import { lambdaDispatcherWaker } from '../adapters/outbound/lambda-dispatcher-waker.js';
import { SecretsManagerSecretStore } from '../adapters/secrets-manager-secret-store.js';
import { SecretsManagerUserStore } from '../adapters/secrets-manager-user-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { ulidIds } from '../adapters/ulid-ids.js';
import { OutboxPublisher } from '../core/outbound/outbox-publisher.js';
import type { OutboxStore } from '../core/outbound/ports.js';
import type { EventPublisher, UserStore } from '../core/ports.js';
import type { RecordDeps } from '../core/record-bounce.js';
import { type SecretStore, type SettingsManager, SettingsService } from '../core/settings-service.js';
import type { AuthMode } from './http/permission.js';
import { logger } from './logger.js';

/**
 * What every handler factory may ask for. Tests and the local server build their own. The mailbox
 * scanner's parts (POP3, the parser) live in mailbox-deps.ts, so functions that never scan do not
 * carry them in their bundles.
 */
export interface Deps {
  record: RecordDeps;
  settings: SettingsManager;
  users: UserStore;
  authMode: AuthMode;
  /** Absent in tests that build a handler without an outbox: its routes then answer 404. */
  outbound?: OutboundDeps;
}

/** The outbox the publisher writes to, and how the dispatcher is woken after a write. */
export interface OutboundDeps {
  outbox: OutboxStore;
  wake?: () => void | Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function parseJsonEnv(name: string): unknown {
  const value = process.env[name];
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`environment variable ${name} is not JSON`);
  }
}

/** Builds the adapters the stack wires: table, users secret, event bus; from names in env only. */
export interface TableDeps {
  tableName: string;
  db: ReturnType<typeof createDocumentClient>;
  events: EventPublisher;
  deployDefaults: unknown;
  secrets: SecretStore;
  users: UserStore;
  authMode: AuthMode;
  /** Starts the dispatcher after an outbound event was written. */
  wakeDispatcher?: () => void | Promise<void>;
}

export function depsFromParts(parts: TableDeps): Deps {
  const { db, tableName } = parts;
  const clock = systemClock;
  const settings = new SettingsService(new DynamoDbSettingsRepository(db, tableName), parts.secrets, clock, {
    deployDefaults: parts.deployDefaults,
    newUuid: randomUUID,
  });
  const outbox = new DynamoDbOutboxStore(db, tableName);
  const wake = parts.wakeDispatcher;
  return {
    record: {
      subscribers: new DynamoDbSubscriberStore(db, tableName),
      bounces: new DynamoDbBounceStore(db, tableName),
      // Every action (and, when a sink asks, every bounce) goes through the outbox (DESIGN §10).
      events: new OutboxPublisher({
        outbox,
        settings,
        clock,
        downstream: parts.events,
        ...(wake ? { wake } : {}),
      }),
      clock,
      ids: ulidIds(),
    },
    settings,
    users: parts.users,
    authMode: parts.authMode,
    outbound: { outbox, ...(wake ? { wake } : {}) },
  };
}

let memo: Deps | undefined;
let table: { db: ReturnType<typeof createDocumentClient>; tableName: string } | undefined;

/** The table and its client in AWS, one per container. */
export function awsTable(): { db: ReturnType<typeof createDocumentClient>; tableName: string } {
  table ??= { db: createDocumentClient(), tableName: requireEnv('TABLE_NAME') };
  return table;
}

/** The composition root in AWS, built once per container on first use. */
export function awsDeps(): Deps {
  if (memo) return memo;
  const busName = process.env.EVENT_BUS_NAME;
  const usersSecret = process.env.USERS_SECRET_ARN;
  const settingsSecret = process.env.SETTINGS_SECRET_ARN;
  const secretsClient = new SecretsManagerClient({});
  memo = depsFromParts({
    ...awsTable(),
    events: busName
      ? new EventBridgeEventPublisher(new EventBridgeClient({}), busName)
      : new LogEventPublisher(logger),
    deployDefaults: parseJsonEnv('DEFAULT_SETTINGS'),
    secrets: settingsSecret
      ? new SecretsManagerSecretStore(secretsClient, settingsSecret)
      : new MemorySecretStore(),
    users: usersSecret
      ? new SecretsManagerUserStore(secretsClient, usersSecret, systemClock)
      : { find: async () => null },
    authMode: process.env.AUTH_MODE === 'iam' ? 'iam' : 'basic',
    ...(process.env.DISPATCHER_FUNCTION_NAME
      ? {
          wakeDispatcher: lambdaDispatcherWaker(
            new LambdaClient({}),
            process.env.DISPATCHER_FUNCTION_NAME,
            logger,
          ),
        }
      : {}),
  });
  return memo;
}
