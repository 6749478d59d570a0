import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSettingsRepository } from '../adapters/dynamodb/dynamodb-settings-repository.js';
import { DynamoDbStatsStore } from '../adapters/dynamodb/dynamodb-stats-store.js';
import { DynamoDbSubscriberStore } from '../adapters/dynamodb/dynamodb-subscriber-store.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { SecretsManagerSecretStore } from '../adapters/secrets-manager-secret-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { ulidIds } from '../adapters/ulid-ids.js';
import type { EventPublisher } from '../core/ports.js';
import type { RecordDeps } from '../core/record-bounce.js';
import { type SecretStore, type SettingsManager, SettingsService } from '../core/settings-service.js';
import { countedBounceStore } from '../core/stats/counted-bounce-store.js';
import { type FunctionEnvironment, functionEnvironment } from './environment.js';
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
  authMode: AuthMode;
}

/** The adapters a handler's dependencies are built from: in AWS from the environment, locally by the server. */
export interface TableDeps {
  tableName: string;
  db: ReturnType<typeof createDocumentClient>;
  events: EventPublisher;
  deployDefaults: unknown;
  secrets: SecretStore;
  authMode: AuthMode;
}

export function depsFromParts(parts: TableDeps): Deps {
  const { db, tableName } = parts;
  const clock = systemClock;
  const stats = new DynamoDbStatsStore(db, tableName, {
    onError: (error, what) =>
      logger.warn('statistics counters not updated; `npm run stats -- rebuild` recomputes them', {
        what,
        error,
      }),
  });
  return {
    record: {
      subscribers: new DynamoDbSubscriberStore(db, tableName),
      bounces: countedBounceStore(new DynamoDbBounceStore(db, tableName), stats),
      events: parts.events,
      clock,
      ids: ulidIds(),
      stats,
    },
    settings: new SettingsService(new DynamoDbSettingsRepository(db, tableName), parts.secrets, clock, {
      deployDefaults: parts.deployDefaults,
      newUuid: randomUUID,
    }),
    authMode: parts.authMode,
  };
}

let memo: Deps | undefined;
let environment: FunctionEnvironment | undefined;
let table: { db: ReturnType<typeof createDocumentClient>; tableName: string } | undefined;

/** The function's environment in AWS, checked once per container (a bad one fails the cold start). */
function awsEnvironment(): FunctionEnvironment {
  environment ??= functionEnvironment(process.env);
  return environment;
}

/** The table and its client in AWS, one per container. */
export function awsTable(): { db: ReturnType<typeof createDocumentClient>; tableName: string } {
  table ??= { db: createDocumentClient(), tableName: awsEnvironment().tableName };
  return table;
}

/**
 * The composition root in AWS, built once per container on first use. Every variable the stack sets
 * is required: nothing falls back to memory or to another auth mode (lambdas/handlers/environment.ts).
 */
export function awsDeps(): Deps {
  if (memo) return memo;
  const env = awsEnvironment();
  memo = depsFromParts({
    ...awsTable(),
    events: new EventBridgeEventPublisher(new EventBridgeClient({}), env.eventBusName),
    deployDefaults: env.deployDefaults,
    secrets: new SecretsManagerSecretStore(new SecretsManagerClient({}), env.settingsSecretArn),
    authMode: env.authMode,
  });
  return memo;
}
