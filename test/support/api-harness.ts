import { randomUUID } from 'node:crypto';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { DynamoDbOutboxStore } from '../../lambdas/adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbSettingsRepository } from '../../lambdas/adapters/dynamodb/dynamodb-settings-repository.js';
import type { RecordDeps } from '../../lambdas/core/bounces/record-bounce.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { SettingsService } from '../../lambdas/core/settings/settings-service.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpContext } from '../../lambdas/handlers/http/types.js';
import { type MailboxDeps, mailboxConnector } from '../../lambdas/handlers/mailbox-deps.js';
import { recordDepsOver, type TestTable, testTable } from './dynamodb.js';
import { apiEvent, type EventOptions } from './events.js';
import { TEST_CERT } from './fake-pop3-server.js';
import { FakeClock, silentLogger } from './fakes.js';

type ApiDeps = Parameters<typeof createApiHandler>[0];

export const ALL_PERMISSIONS = [
  'webhooks:post_bounce',
  'bounces:get',
  'bounces:manage',
  'subscribers:get',
  'subscribers:manage',
  'settings:get',
  'settings:manage',
];

export interface ApiHarness {
  table: TestTable;
  record: RecordDeps;
  clock: FakeClock;
  settings: SettingsService;
  /** `context`: the Lambda context's remaining time, as a route that budgets its time reads it. */
  call(options: EventOptions, context?: HttpContext): Promise<ApiResponse>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  body: any;
}

/** The API function over a fresh dynalite table, called with proxy events; errors mapped as in Lambda. */
export async function apiHarness(
  overrides: Partial<ApiDeps> & { mailboxParts?: Partial<MailboxDeps> } = {},
): Promise<ApiHarness> {
  const { mailboxParts, ...rest } = overrides;
  const table = await testTable();
  const clock = new FakeClock();
  const record: RecordDeps = recordDepsOver(table, clock);
  const settings = new SettingsService(
    new DynamoDbSettingsRepository(table.db, table.tableName),
    // The store the bounce store keeps its cursor key in, as one secret holds both in AWS.
    table.secrets,
    clock,
    {
      deployDefaults: { enabled: true, webhooks_enabled: true },
      newUuid: randomUUID,
    },
  );
  const handle = createApiHandler({
    record,
    settings,
    mailboxes: {
      connector: mailboxConnector({
        // Where the settings keep their secrets: a rotated refresh token is saved beside them.
        secrets: table.secrets,
        client: { timeoutMs: 5_000, ca: TEST_CERT },
      }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
      ...mailboxParts,
    },
    authMode: 'basic',
    outbound: { outbox: new DynamoDbOutboxStore(table.db, table.tableName) },
    ...rest,
  } as ApiDeps);
  return {
    table,
    record,
    clock,
    settings,
    async call(options, context) {
      const res = await handle(apiEvent({ permissions: ALL_PERMISSIONS, ...options }), context).catch(
        (error) => errorResponse(error, silentLogger),
      );
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        body = undefined;
      }
      return {
        status: res.statusCode,
        headers: (res.headers ?? {}) as Record<string, string>,
        text: res.body,
        body,
      };
    },
  };
}
