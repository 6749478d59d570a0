import { randomBytes, randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { DynamoDbOutboxStore } from '../../../lambdas/adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbSettingsRepository } from '../../../lambdas/adapters/dynamodb/dynamodb-settings-repository.js';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import { EgressHttpClient } from '../../../lambdas/adapters/outbound/egress-http-client.js';
import { LogSuppressionList } from '../../../lambdas/adapters/outbound/log-suppression-list.js';
import { standardWebhooksSigner } from '../../../lambdas/adapters/outbound/standard-webhooks-signer.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../../lambdas/core/bounces/record-bounce.js';
import { type DispatcherDeps, dispatchDue } from '../../../lambdas/core/outbound/dispatcher.js';
import { type EventDocument, toEventDocument } from '../../../lambdas/core/outbound/event-document.js';
import { eventSchemas } from '../../../lambdas/core/outbound/event-schemas.js';
import { OutboxPublisher } from '../../../lambdas/core/outbound/outbox-publisher.js';
import type { OutboxItem } from '../../../lambdas/core/outbound/ports.js';
import { SettingsService } from '../../../lambdas/core/settings/settings-service.js';
import { type TestTable, testTable } from '../dynamodb.js';
import { FakeClock, RecordingPublisher, silentLogger } from '../fakes.js';

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
formats.default(ajv);
const validators = Object.fromEntries(
  Object.entries(eventSchemas()).map(([type, schema]) => [type, ajv.compile(schema)]),
);

/** Checks a produced event against the JSON Schema of its type; throws with ajv's errors. */
export function assertValidEvent(doc: unknown): EventDocument {
  const type = (doc as { type?: string }).type ?? '';
  const validate = validators[type];
  if (!validate) throw new Error(`no schema for event type ${JSON.stringify(type)}`);
  if (!validate(doc))
    throw new Error(`${type} does not match its schema: ${ajv.errorsText(validate.errors)}`);
  return doc as EventDocument;
}

export interface OutboundHarness {
  table: TestTable;
  clock: FakeClock;
  settings: SettingsService;
  outbox: DynamoDbOutboxStore;
  record: RecordDeps;
  bus: RecordingPublisher;
  suppression: LogSuppressionList;
  dispatcher: DispatcherDeps;
  deadLetters: string[];
  configure(outbound: unknown, actions?: unknown): Promise<void>;
  bounce(input: Partial<BounceInput>): ReturnType<typeof recordBounce>;
  dispatch(): ReturnType<typeof dispatchDue>;
  items(): Promise<OutboxItem[]>;
}

export async function outboundHarness(options: { timeoutMs?: number } = {}): Promise<OutboundHarness> {
  const table = await testTable();
  const clock = new FakeClock(new Date());
  const settings = new SettingsService(
    new DynamoDbSettingsRepository(table.db, table.tableName),
    new MemorySecretStore(),
    clock,
    { deployDefaults: { enabled: true, webhooks_enabled: true }, newUuid: randomUUID, cacheMs: 0 },
  );
  const outbox = new DynamoDbOutboxStore(table.db, table.tableName);
  // Every event the tests produce is checked against its schema, as the bus would receive it.
  const bus = new RecordingPublisher();
  const publish = bus.publish.bind(bus);
  bus.publish = async (event) => {
    assertValidEvent(toEventDocument(event));
    return publish(event);
  };
  const record: RecordDeps = {
    subscribers: table.subscribers,
    bounces: table.bounces,
    events: new OutboxPublisher({ outbox, settings, clock, downstream: bus }),
    clock,
    ids: ulidIds(),
  };
  const suppression = new LogSuppressionList(silentLogger);
  const deadLetters: string[] = [];
  const dispatcher: DispatcherDeps = {
    outbox,
    settings,
    clock,
    http: new EgressHttpClient({
      allowLoopbackHttp: true,
      allow: [],
      timeoutMs: options.timeoutMs ?? 10_000,
    }),
    signer: standardWebhooksSigner,
    suppression,
    onDeadLetter: (_item, sink) => deadLetters.push(sink),
  };
  return {
    table,
    clock,
    settings,
    outbox,
    record,
    bus,
    suppression,
    dispatcher,
    deadLetters,
    async configure(outbound, actions) {
      const { version } = await settings.current();
      await settings.save({ outbound, ...(actions ? { actions } : {}) }, version);
    },
    async bounce(input) {
      return recordBounce(record, await settings.get(), {
        email: 'ann@example.com',
        type: 'hard',
        reason: 'user_unknown',
        source: 'api',
        meta: {},
        ...input,
      });
    },
    dispatch: () => dispatchDue(dispatcher),
    async items() {
      const pages = await Promise.all(
        (['pending', 'failed', 'delivered'] as const).map((s) => outbox.list(s, 100)),
      );
      const byId = new Map(pages.flatMap((p) => p.items).map((i) => [i.doc.data.event_id, i]));
      return [...byId.values()];
    },
  };
}
