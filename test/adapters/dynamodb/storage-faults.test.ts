import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClientConfig } from '../../../bin/local/local-dynamodb.js';
import { CursorSigner } from '../../../lambdas/adapters/cursor-signer.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSubscriberStore } from '../../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { StorageRetryStrategy } from '../../../lambdas/adapters/dynamodb/storage-retry-strategy.js';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import { type RecordDeps, recordBounce } from '../../../lambdas/core/bounces/record-bounce.js';
import { effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock, RecordingPublisher } from '../../support/fakes.js';
import { FAULT_KINDS, type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { runFaultScenario } from '../../support/fault-scenario.js';

describe('storage under sustained faults (DESIGN §9: retries never run dry)', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('ddbEndpoint'), seed: 7 });
  });
  afterAll(() => proxy.close());

  /** recordBounce over a fresh table reached through the proxy, and the stores read straight. */
  async function throughProxy() {
    const tableName = `t-${randomUUID()}`;
    await ensureTable(inject('ddbEndpoint'), tableName);
    const db = createDocumentClient({
      ...localClientConfig(proxy.endpoint),
      retryStrategy: new StorageRetryStrategy({ baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 4 }),
    });
    const direct = createDocumentClient(localClientConfig(inject('ddbEndpoint')));
    const events = new RecordingPublisher();
    const deps: RecordDeps = {
      subscribers: new DynamoDbSubscriberStore(db, tableName),
      bounces: new DynamoDbBounceStore(db, tableName, new CursorSigner(new MemorySecretStore())),
      events,
      clock: new FakeClock(),
      ids: ulidIds(),
    };
    return {
      deps,
      events,
      subscribers: new DynamoDbSubscriberStore(direct, tableName),
      bounces: new DynamoDbBounceStore(direct, tableName, new CursorSigner(new MemorySecretStore())),
      close: () => {
        db.destroy();
        direct.destroy();
      },
    };
  }
  const SETTINGS = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);

  it('an action whose write landed but whose answer was lost still fires and goes out once', async () => {
    const t = await throughProxy();
    try {
      const email = 'lost-answer@example.com';
      proxy.failNext('drop-after', 'UpdateItem');
      const result = await recordBounce(t.deps, SETTINGS, {
        email,
        type: 'hard',
        reason: 'unknown',
        source: 'api',
        meta: {},
      });
      expect(result.action).toBe('blocklist');
      expect(t.events.events.map((e) => [e.type, e.email])).toEqual([['subscriber.blocklisted', email]]);
      expect((await t.subscribers.findByEmail(email)).subscriber).toMatchObject({
        status: 'blocklisted',
        fired: { hard: { emitted: true } },
      });
    } finally {
      t.close();
    }
  });

  it('an event key claimed by a write whose answer was lost is this bounce, not a duplicate', async () => {
    const t = await throughProxy();
    try {
      const email = 'claimed@example.com';
      const input = { email, type: 'soft' as const, reason: 'unknown' as const, source: 'api', meta: {} };
      await recordBounce(t.deps, SETTINGS, input);
      // The subscriber is known now, so the next PutItem is the claim of the event key.
      proxy.failNext('drop-after', 'PutItem');
      const result = await recordBounce(t.deps, SETTINGS, { ...input, event_key: 'webhook:api:claimed-1' });
      expect(result.duplicate).toBe(false);
      const again = await recordBounce(t.deps, SETTINGS, { ...input, event_key: 'webhook:api:claimed-1' });
      expect(again).toMatchObject({ id: result.id, duplicate: true });
      expect(await t.bounces.countByType(email)).toEqual({ hard: 0, soft: 2, complaint: 0 });
    } finally {
      t.close();
    }
  });

  it('a bounce that is its own claim, written with its answer lost, is this bounce, not a duplicate', async () => {
    const t = await throughProxy();
    try {
      const email = 'own-claim@example.com';
      const input = { email, type: 'soft' as const, reason: 'unknown' as const, source: 'api', meta: {} };
      await recordBounce(t.deps, SETTINGS, input);
      // The event carries its time, so the bounce's own PutItem is the claim of its key.
      const timed = { ...input, event_key: 'webhook:api:own-1', created_at: '2026-11-29T09:00:00.000Z' };
      proxy.failNext('drop-after', 'PutItem');
      const result = await recordBounce(t.deps, SETTINGS, timed);
      expect(result.duplicate).toBe(false);
      const again = await recordBounce(t.deps, SETTINGS, timed);
      expect(again).toMatchObject({ id: result.id, duplicate: true });
      expect(await t.bounces.countByType(email)).toEqual({ hard: 0, soft: 2, complaint: 0 });
    } finally {
      t.close();
    }
  });

  it('with half of all requests failing, 200 bounces: none lost or twice, every dead address blocklisted', async () => {
    const tableName = `t-${randomUUID()}`;
    await ensureTable(inject('ddbEndpoint'), tableName);
    // The production client and attempt budget; only the waits are shortened so the test runs fast.
    const db = createDocumentClient({
      ...localClientConfig(proxy.endpoint),
      retryStrategy: new StorageRetryStrategy({ baseDelayMs: 1, throttlingBaseDelayMs: 2, maxDelayMs: 8 }),
    });
    const auditDb = createDocumentClient(localClientConfig(inject('ddbEndpoint')));
    proxy.setFailureRate(0.5);
    try {
      const audit = await runFaultScenario({
        db,
        auditDb,
        tableName,
        bounces: 200,
        addresses: 80,
        clientRetries: 12,
        seed: 7,
      });
      expect(audit).toMatchObject({
        refused: 0,
        lost: 0,
        duplicated: 0,
        countsWrong: 0,
        notBlocklisted: 0,
        wronglyBlocklisted: 0,
        eventsMissing: 0,
      });
      // The run met every kind of fault, writes applied with their answers lost among them.
      for (const kind of FAULT_KINDS) expect(proxy.stats.faults[kind]).toBeGreaterThan(50);
    } finally {
      proxy.setFailureRate(0);
      db.destroy();
      auditDb.destroy();
    }
  }, 180_000);
});
