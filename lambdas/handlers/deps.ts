import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CursorSigner } from '../adapters/cursor-signer.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbOutboxStore } from '../adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbSettingsRepository } from '../adapters/dynamodb/dynamodb-settings-repository.js';
import { DynamoDbStatsStore } from '../adapters/dynamodb/dynamodb-stats-store.js';
import { DynamoDbSubscriberStore } from '../adapters/dynamodb/dynamodb-subscriber-store.js';
import { EventBridgeEventPublisher } from '../adapters/eventbridge-event-publisher.js';
import { lambdaDispatcherWaker } from '../adapters/outbound/lambda-dispatcher-waker.js';
import { SecretsManagerSecretStore } from '../adapters/secrets-manager-secret-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { ulidIds } from '../adapters/ulid-ids.js';
import type { RecordDeps } from '../core/bounces/record-bounce.js';
import { OutboxPublisher } from '../core/outbound/outbox-publisher.js';
import type { OutboxStore } from '../core/outbound/ports.js';
import type { EventPublisher } from '../core/ports.js';
import {
  type SecretStore,
  type SettingsManager,
  SettingsService,
} from '../core/settings/settings-service.js';
import { countedBounceStore } from '../core/stats/counted-bounce-store.js';
import { countedSubscriberStore } from '../core/stats/counted-subscriber-store.js';
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
  /** Absent in tests that build a handler without an outbox: its routes then answer 404. */
  outbound?: OutboundDeps;
}

/** The outbox the publisher writes to, and how the dispatcher is woken after a write. */
export interface OutboundDeps {
  outbox: OutboxStore;
  wake?: () => void | Promise<void>;
}

/** The adapters a handler's dependencies are built from: in AWS from the environment, locally by the server. */
export interface TableDeps {
  tableName: string;
  db: ReturnType<typeof createDocumentClient>;
  events: EventPublisher;
  deployDefaults: unknown;
  secrets: SecretStore;
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
  const stats = new DynamoDbStatsStore(db, tableName, {
    onError: (error, what) =>
      logger.warn('statistics counters not updated; `npm run stats -- rebuild` recomputes them', {
        what,
        error,
      }),
  });
  return {
    record: {
      subscribers: countedSubscriberStore(new DynamoDbSubscriberStore(db, tableName), stats),
      bounces: countedBounceStore(
        new DynamoDbBounceStore(db, tableName, new CursorSigner(parts.secrets)),
        stats,
      ),
      // Every action (and, when a sink asks, every bounce) goes through the outbox first.
      events: new OutboxPublisher({
        outbox,
        settings,
        clock,
        downstream: parts.events,
        ...(wake ? { wake } : {}),
      }),
      clock,
      ids: ulidIds(),
      stats,
    },
    settings,
    authMode: parts.authMode,
    outbound: { outbox, ...(wake ? { wake } : {}) },
  };
}

let memo: Deps | undefined;
let environment: FunctionEnvironment | undefined;
let table: { db: ReturnType<typeof createDocumentClient>; tableName: string } | undefined;
let settingsSecrets: SecretStore | undefined;

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
 * The settings' secret store in AWS, one per container; the mailbox scanner also writes rotated OAuth2
 * refresh tokens there.
 */
export function awsSettingsSecrets(): SecretStore {
  settingsSecrets ??= new SecretsManagerSecretStore(
    new SecretsManagerClient({}),
    awsEnvironment().settingsSecretArn,
  );
  return settingsSecrets;
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
    secrets: awsSettingsSecrets(),
    authMode: env.authMode,
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
