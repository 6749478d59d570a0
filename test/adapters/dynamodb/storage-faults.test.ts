import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClientConfig } from '../../../bin/local/local-dynamodb.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client.js';
import { StorageRetryStrategy } from '../../../lambdas/adapters/dynamodb/storage-retry-strategy.js';
import { FAULT_KINDS, type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { runFaultScenario } from '../../support/fault-scenario.js';

describe('storage under sustained faults (DESIGN §9: retries never run dry)', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('ddbEndpoint'), seed: 7 });
  });
  afterAll(() => proxy.close());

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
