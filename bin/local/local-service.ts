import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client.js';
import { SCHEMA_VERSION } from '../../lambdas/adapters/dynamodb/keys.js';
import { FileSecretStore } from '../../lambdas/adapters/file-secret-store.js';
import { FileUserStore } from '../../lambdas/adapters/file-user-store.js';
import { LogEventPublisher } from '../../lambdas/adapters/log-event-publisher.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { EgressHttpClient } from '../../lambdas/adapters/outbound/egress-http-client.js';
import { LogSuppressionList } from '../../lambdas/adapters/outbound/log-suppression-list.js';
import { type PlainUser, StaticUserStore } from '../../lambdas/adapters/static-user-store.js';
import { PERMISSIONS } from '../../lambdas/core/access/permissions.js';
import type { HttpClient, SuppressionList } from '../../lambdas/core/outbound/ports.js';
import type { UserStore } from '../../lambdas/core/ports.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { createAuthorizer } from '../../lambdas/handlers/authorizer.js';
import { consoleAssets } from '../../lambdas/handlers/console-assets.js';
import { type Deps, depsFromParts } from '../../lambdas/handlers/deps.js';
import { httpFunction } from '../../lambdas/handlers/http/http-function.js';
import { logger as defaultLogger } from '../../lambdas/handlers/logger.js';
import { mailboxDepsFor } from '../../lambdas/handlers/mailbox-deps.js';
import { createMailboxScanner } from '../../lambdas/handlers/mailbox-scanner.js';
import { createOutboundDispatcher, dispatcherDeps } from '../../lambdas/handlers/outbound-dispatcher.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { providerAdapters } from '../../lambdas/handlers/webhooks/provider-function.js';
import type { ProviderWebhookDeps } from '../../lambdas/handlers/webhooks/provider-webhook.js';
import { ensureConsoleBuilt } from '../console/build-console.js';
import { markSchema, migrateTable, schemaVersion } from '../migrate/migrate-table.js';
import { LocalDispatcher } from './local-dispatcher.js';
import { ensureTable, localClientConfig, startDynalite } from './local-dynamodb.js';
import { providerFunctions } from './provider-functions.js';
import { createHttpServer, listen } from './server.js';

export interface LocalOptions {
  port?: number;
  dataDir?: string;
  user?: string;
  token?: string;
  dynamodbEndpoint?: string;
  tableName?: string;
  logger?: Logger;
  /** More API users besides the printed one (tests). */
  users?: PlainUser[];
  /** Where `npm run users` keeps local API users; read on every change. */
  usersFile?: string;
  /** How often the mailbox scanner runs (the stack's EventBridge rule: every minute); 0 turns it off. */
  scanEveryMs?: number;
  /** SNS certificate loader and subscription confirmer; tests pass fakes that stay on loopback. */
  providerAdapters?: Pick<ProviderWebhookDeps, 'certificates' | 'confirmer'>;
  /** Settings the local service starts from; processing and webhooks are on for local use. */
  deployDefaults?: unknown;
  /** Sink transport and SES suppression list; by default loopback http is allowed and SES calls are logged. */
  outbound?: { http?: HttpClient; suppression?: SuppressionList; sweepMs?: number; allow?: string[] };
  /** Serve the console at /console/, built first if stale (`npm start` does; tests that need it ask). */
  console?: boolean;
}

export interface LocalService {
  url: string;
  user: PlainUser;
  deps: Deps;
  dispatcher: LocalDispatcher;
  close(): Promise<void>;
}

export const LOCAL_DEFAULTS = { enabled: true, webhooks_enabled: true };

/** A new table starts at the current layout; a persisted one from an earlier release is migrated. */
async function upgradeLayout(db: DynamoDBDocumentClient, table: string, created: boolean, logger: Logger) {
  const now = () => new Date();
  if (created) return markSchema(db, table, now().toISOString());
  if ((await schemaVersion(db, table)) >= SCHEMA_VERSION) return;
  const report = await migrateTable(db, table, { now });
  logger.info('store migrated to the current layout', { ...report, version: SCHEMA_VERSION });
}

/** Starts the whole service on loopback over an embedded (or given) DynamoDB. */
export async function startLocalService(options: LocalOptions = {}): Promise<LocalService> {
  const logger = options.logger ?? defaultLogger;
  const tableName = options.tableName ?? 'stmails-bounce';
  const embedded = options.dynamodbEndpoint ? undefined : await startDynalite(options.dataDir);
  const endpoint = options.dynamodbEndpoint ?? (embedded?.endpoint as string);
  const created = await ensureTable(endpoint, tableName);

  const user: PlainUser = {
    name: options.user ?? 'admin',
    token: options.token ?? randomBytes(18).toString('base64url'),
    permissions: [...PERMISSIONS],
  };
  const fixed = new StaticUserStore([user, ...(options.users ?? [])]);
  const fromFile = options.usersFile ? new FileUserStore(options.usersFile) : undefined;
  const users: UserStore = {
    find: async (name) => (await fixed.find(name)) ?? (fromFile ? fromFile.find(name) : null),
  };
  const db = createDocumentClient(localClientConfig(endpoint));
  const secrets = options.dataDir
    ? new FileSecretStore(join(options.dataDir, 'secrets.json'))
    : new MemorySecretStore();
  await upgradeLayout(db, tableName, created, logger);
  const dispatcher = new LocalDispatcher(logger, options.outbound?.sweepMs);
  const deps = depsFromParts({
    tableName,
    db,
    events: new LogEventPublisher(logger),
    deployDefaults: options.deployDefaults ?? LOCAL_DEFAULTS,
    secrets,
    authMode: 'basic',
    wakeDispatcher: dispatcher.wake,
  });
  dispatcher.start(
    createOutboundDispatcher(
      dispatcherDeps(deps, {
        http:
          options.outbound?.http ??
          new EgressHttpClient({ allowLoopbackHttp: true, allow: options.outbound?.allow ?? [] }),
        suppression: options.outbound?.suppression ?? new LogSuppressionList(logger),
        onDeadLetter: (item, sink) =>
          logger.warn('outbound delivery dead-lettered', { event_id: item.doc.data.event_id, sink }),
      }),
      logger,
    ),
  );
  const mailboxes = mailboxDepsFor(db, tableName, secrets);
  const consoleDir = options.console ? await ensureConsoleBuilt() : undefined;
  const server = createHttpServer({
    ...(consoleDir ? { console: consoleAssets(consoleDir) } : {}),
    functions: {
      webhook: httpFunction(createWebhookBounceHandler({ ...deps, logger }), logger),
      api: httpFunction(createApiHandler({ ...deps, mailboxes }), logger),
      ...providerFunctions({ ...deps, ...(options.providerAdapters ?? providerAdapters()), logger }, logger),
    },
    authorize: createAuthorizer({ users }),
    logger,
  });
  const url = await listen(server, options.port ?? 9000);
  const scanner = createMailboxScanner({ ...deps, mailboxes, log: logger });
  let scanning = false;
  const scanEvery = options.scanEveryMs ?? 60_000;
  // The same handler EventBridge invokes in AWS, on a timer; a slow scan is never started twice.
  const timer =
    scanEvery > 0
      ? setInterval(() => {
          if (scanning) return;
          scanning = true;
          scanner(undefined, {
            awsRequestId: `local-${Date.now()}`,
            getRemainingTimeInMillis: () => scanEvery * 5,
          })
            .catch((error) => logger.error('mailbox scan failed', { error }))
            .finally(() => {
              scanning = false;
            });
        }, scanEvery)
      : undefined;
  timer?.unref();
  return {
    url,
    user,
    deps,
    dispatcher,
    close: async () => {
      if (timer) clearInterval(timer);
      await dispatcher.close();
      // Let requests in flight finish (their handlers still need the database), then force the rest.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      db.destroy();
      await embedded?.close();
    },
  };
}
