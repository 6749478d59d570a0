import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSettingsSource } from '../adapters/dynamodb/dynamodb-settings-source.js';
import { DynamoDbSubscriberStore } from '../adapters/dynamodb/dynamodb-subscriber-store.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { LogEventPublisher } from '../adapters/log-event-publisher.js';
import { SecretsManagerUserStore } from '../adapters/secrets-manager-user-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { ulidIds } from '../adapters/ulid-ids.js';
import type { EventPublisher, SettingsSource, UserStore } from '../core/ports.js';
import type { RecordDeps } from '../core/record-bounce.js';
import type { AuthMode } from './http/permission.js';
import { logger } from './logger.js';

/** What every handler factory may ask for. Tests and the local server build their own. */
export interface Deps {
  record: RecordDeps;
  settings: SettingsSource;
  users: UserStore;
  authMode: AuthMode;
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
  users: UserStore;
  authMode: AuthMode;
}

export function depsFromParts(parts: TableDeps): Deps {
  const { db, tableName } = parts;
  const clock = systemClock;
  return {
    record: {
      subscribers: new DynamoDbSubscriberStore(db, tableName),
      bounces: new DynamoDbBounceStore(db, tableName),
      events: parts.events,
      clock,
      ids: ulidIds(),
    },
    settings: new DynamoDbSettingsSource(db, tableName, clock, { deployDefaults: parts.deployDefaults }),
    users: parts.users,
    authMode: parts.authMode,
  };
}

let memo: Deps | undefined;

/** The composition root in AWS, built once per container on first use. */
export function awsDeps(): Deps {
  if (memo) return memo;
  const busName = process.env.EVENT_BUS_NAME;
  const usersSecret = process.env.USERS_SECRET_ARN;
  memo = depsFromParts({
    tableName: requireEnv('TABLE_NAME'),
    db: createDocumentClient(),
    events: busName
      ? new EventBridgeEventPublisher(new EventBridgeClient({}), busName)
      : new LogEventPublisher(logger),
    deployDefaults: parseJsonEnv('DEFAULT_SETTINGS'),
    users: usersSecret
      ? new SecretsManagerUserStore(new SecretsManagerClient({}), usersSecret, systemClock)
      : { find: async () => null },
    authMode: process.env.AUTH_MODE === 'iam' ? 'iam' : 'basic',
  });
  return memo;
}
