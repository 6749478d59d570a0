import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSettingsRepository } from '../../lambdas/adapters/dynamodb/dynamodb-settings-repository.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { BounceType } from '../../lambdas/core/bounces/bounce.js';
import { SettingsService } from '../../lambdas/core/settings/settings-service.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { apiEvent } from './events.js';
import { FakeClock, RecordingPublisher, silentLogger } from './fakes.js';
import { seededRandom } from './fault-proxy.js';

export interface ScenarioOptions {
  /** The client recording goes through (pointed at the fault proxy). */
  db: DynamoDBDocumentClient;
  /** A client straight to the store, for the audit afterwards. */
  auditDb: DynamoDBDocumentClient;
  tableName: string;
  bounces: number;
  addresses: number;
  /** How often the caller sends a bounce again after a 5xx or a failed connection. */
  clientRetries: number;
  seed?: number;
}

/** What went wrong, counted; every figure is 0 when storage held up. */
export interface ScenarioAudit {
  bounces: number;
  /** Bounces the caller gave up on: every one of its attempts was answered 5xx. */
  refused: number;
  /** Bounces answered 200 that are not stored. */
  lost: number;
  /** Stored bounces beyond one per event key. */
  duplicated: number;
  /** Subscribers with a hard bounce or complaint that are not blocklisted. */
  notBlocklisted: number;
  /** Subscribers with only soft bounces that were blocklisted all the same. */
  wronglyBlocklisted: number;
  /** Blocklisted subscribers whose `subscriber.blocklisted` event never went out. */
  eventsMissing: number;
  /** Subscribers whose stored bounce counts per type differ from what was sent. */
  countsWrong: number;
  /** Webhook calls made, retries included. */
  calls: number;
}

interface SentBounce {
  email: string;
  type: BounceType;
  eventId: string;
}

function plannedBounces(options: ScenarioOptions): SentBounce[] {
  const random = seededRandom((options.seed ?? 1) ^ 0x5eed);
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: options.bounces }, (_, i) => {
    const r = random();
    const type: BounceType = r < 0.3 ? 'hard' : r < 0.45 ? 'complaint' : 'soft';
    const address = Math.floor(random() * options.addresses);
    return { email: `user${address}-${run}@faults.example.com`, type, eventId: `evt-${run}-${i}` };
  });
}

/**
 * Sends bounces through the generic webhook handler one after another, as a caller that retries
 * every 5xx, then audits the table and the published events against what was sent.
 */
export async function runFaultScenario(options: ScenarioOptions): Promise<ScenarioAudit> {
  const clock = new FakeClock();
  const events = new RecordingPublisher();
  const settings = new SettingsService(
    new DynamoDbSettingsRepository(options.db, options.tableName),
    new MemorySecretStore(),
    clock,
    { deployDefaults: { enabled: true, webhooks_enabled: true }, newUuid: randomUUID },
  );
  const raw = createWebhookBounceHandler({
    record: {
      subscribers: new DynamoDbSubscriberStore(options.db, options.tableName),
      bounces: new DynamoDbBounceStore(
        options.db,
        options.tableName,
        new CursorSigner(new MemorySecretStore()),
      ),
      events,
      clock,
      ids: ulidIds(),
    },
    settings,
    authMode: 'basic',
    logger: silentLogger,
  });
  const handle = (body: object) =>
    raw(apiEvent({ method: 'POST', resource: '/webhooks/bounce', body })).catch((error) =>
      errorResponse(error, silentLogger),
    );

  const sent = plannedBounces(options);
  const acknowledged = new Set<string>();
  let calls = 0;
  for (const bounce of sent) {
    const body = { email: bounce.email, type: bounce.type, source: 'faults', event_id: bounce.eventId };
    for (let attempt = 0; attempt <= options.clientRetries; attempt++) {
      calls++;
      const res = await handle(body);
      if (res.statusCode === 200) {
        acknowledged.add(bounce.eventId);
        break;
      }
      if (res.statusCode < 500)
        throw new Error(`bounce ${bounce.eventId} answered ${res.statusCode}: ${res.body}`);
    }
  }
  return audit(options, sent, acknowledged, events, calls);
}

async function audit(
  options: ScenarioOptions,
  sent: SentBounce[],
  acknowledged: Set<string>,
  events: RecordingPublisher,
  calls: number,
): Promise<ScenarioAudit> {
  const bounces = new DynamoDbBounceStore(
    options.auditDb,
    options.tableName,
    new CursorSigner(new MemorySecretStore()),
  );
  const subscribers = new DynamoDbSubscriberStore(options.auditDb, options.tableName);
  const result: ScenarioAudit = {
    bounces: sent.length,
    refused: sent.length - acknowledged.size,
    lost: 0,
    duplicated: 0,
    notBlocklisted: 0,
    wronglyBlocklisted: 0,
    eventsMissing: 0,
    countsWrong: 0,
    calls,
  };
  const blocklistEvents = new Set(
    events.events.filter((e) => e.type === 'subscriber.blocklisted').map((e) => e.email),
  );
  const byEmail = new Map<string, SentBounce[]>();
  for (const b of sent) byEmail.set(b.email, [...(byEmail.get(b.email) ?? []), b]);
  for (const [email, mine] of byEmail) {
    const page = await bounces.list({ email, order: 'asc', per_page: 1000 });
    const stored = new Map<string, number>();
    for (const b of page.results) stored.set(b.event_key ?? '', (stored.get(b.event_key ?? '') ?? 0) + 1);
    // Counts right: one per distinct event stored, whatever number of deliveries it took.
    const expected: Record<BounceType, number> = { hard: 0, soft: 0, complaint: 0 };
    for (const b of mine) {
      const n = stored.get(`webhook:faults:${b.eventId}`) ?? 0;
      if (n === 0 && acknowledged.has(b.eventId)) result.lost++;
      if (n > 1) result.duplicated += n - 1;
      if (n > 0) expected[b.type]++;
    }
    const counts = await bounces.countByType(email);
    if (JSON.stringify(counts) !== JSON.stringify(expected)) result.countsWrong++;

    const { subscriber } = await subscribers.findByEmail(email);
    const dead = mine.some((b) => b.type !== 'soft' && acknowledged.has(b.eventId));
    // A refused bounce may have been stored before the caller gave up: it may blocklist too.
    const mayBeDead = mine.some((b) => b.type !== 'soft' && stored.has(`webhook:faults:${b.eventId}`));
    const blocklisted = subscriber?.status === 'blocklisted';
    if (dead && !blocklisted) result.notBlocklisted++;
    if (!dead && !mayBeDead && blocklisted) result.wronglyBlocklisted++;
    if (dead && !blocklistEvents.has(email)) result.eventsMissing++;
  }
  return result;
}
