import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client.js';
import { startFaultProxy } from '../../test/support/fault-proxy.js';
import { runFaultScenario, type ScenarioAudit } from '../../test/support/fault-scenario.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { table } from './stats.js';

const BOUNCES = 200;
const ADDRESSES = 80;
const FAILURE_RATE = 0.5;
const CLIENT_RETRIES = 12;
const SEED = 7;

interface Run {
  label: string;
  audit: ScenarioAudit;
  requests: number;
  seconds: number;
}

/**
 * 200 bounces through the generic webhook handler while a proxy fails half of all DynamoDB requests
 * (resets, 500s, throttling, answers lost after the write), the caller retrying each 5xx up to 12
 * times: the SDK's standard retry (its shared quota) against the service's per-call retry, on the same
 * seeded faults. Production backoff for both, so this takes minutes.
 */
export async function benchStorageFaults(): Promise<string[]> {
  const ddb = await startDynalite();
  const runs: Run[] = [];
  try {
    const clients: [string, (endpoint: string) => DynamoDBDocumentClient][] = [
      [
        'SDK standard retry (3 attempts, shared quota)',
        (endpoint) =>
          DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)), {
            marshallOptions: { removeUndefinedValues: true },
          }),
      ],
      [
        'per-call retry (8 attempts, no quota)',
        (endpoint) => createDocumentClient(localClientConfig(endpoint)),
      ],
    ];
    for (const [label, make] of clients) {
      const proxy = await startFaultProxy({ target: ddb.endpoint, seed: SEED });
      const tableName = `faults-${randomUUID()}`;
      await ensureTable(ddb.endpoint, tableName);
      const db = make(proxy.endpoint);
      const auditDb = createDocumentClient(localClientConfig(ddb.endpoint));
      proxy.setFailureRate(FAILURE_RATE);
      const started = performance.now();
      try {
        const audit = await runFaultScenario({
          db,
          auditDb,
          tableName,
          bounces: BOUNCES,
          addresses: ADDRESSES,
          clientRetries: CLIENT_RETRIES,
          seed: SEED,
        });
        runs.push({
          label,
          audit,
          requests: proxy.stats.requests,
          seconds: (performance.now() - started) / 1000,
        });
      } finally {
        db.destroy();
        auditDb.destroy();
        await proxy.close();
      }
    }
  } finally {
    await ddb.close();
  }
  const rows = runs.map((r) => [
    r.label,
    String(r.audit.refused),
    String(r.audit.lost),
    String(r.audit.duplicated),
    String(r.audit.notBlocklisted),
    String(r.audit.eventsMissing),
    (r.audit.calls / r.audit.bounces).toFixed(2),
    (r.requests / r.audit.bounces).toFixed(1),
    r.seconds.toFixed(0),
  ]);
  const header = [
    'DynamoDB client',
    'refused',
    'lost',
    'twice',
    'not blocklisted',
    'event missing',
    'calls/bounce',
    'requests/bounce',
    's',
  ];
  for (const line of table([header, ...rows], 'l')) console.log(`  ${line}`);
  console.log(
    `  ${BOUNCES} bounces over ${ADDRESSES} addresses, ${FAILURE_RATE * 100}% of DynamoDB requests failing (seed ${SEED}); ` +
      `refused: every one of the caller's ${CLIENT_RETRIES + 1} attempts got a 5xx`,
  );
  return runs.map(
    (r) =>
      `${r.label}: ${r.audit.refused} of ${r.audit.bounces} refused after ${CLIENT_RETRIES} retries, ` +
      `${r.audit.lost} lost, ${r.audit.duplicated} twice, ${r.audit.notBlocklisted} not blocklisted`,
  );
}
