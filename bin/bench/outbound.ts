import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbOutboxStore } from '../../lambdas/adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { EgressHttpClient } from '../../lambdas/adapters/outbound/egress-http-client.js';
import { LogSuppressionList } from '../../lambdas/adapters/outbound/log-suppression-list.js';
import { standardWebhooksSigner } from '../../lambdas/adapters/outbound/standard-webhooks-signer.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { BounceType } from '../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { dispatchDue } from '../../lambdas/core/outbound/dispatcher.js';
import { OutboxPublisher } from '../../lambdas/core/outbound/outbox-publisher.js';
import { type BounceSettings, effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { startLocalService } from '../local/local-service.js';
import { table } from './stats.js';

const TABLE = 'stmails-outbound-bench';
const HOOK_UUID = '0b6f0c1e-1d2e-4f3a-8b4c-5d6e7f8a9b0c';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

function receiver(): Promise<{ server: Server; url: string; seen: (id: string) => Promise<number> }> {
  const waiting = new Map<string, (at: number) => void>();
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const at = performance.now();
      arrived.set(id, at);
      waiting.get(id)?.(at);
      res.writeHead(204).end();
    });
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
        seen: (id) =>
          new Promise((r) => {
            const at = arrived.get(id);
            if (at !== undefined) r(at);
            else waiting.set(id, r);
          }),
      }),
    ),
  );
}

function settingsWith(outbound: Partial<BounceSettings['outbound']>): BounceSettings {
  const base = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
  return { ...base, outbound: { ...base.outbound, ...outbound } };
}

const hook = (url: string, events: string[]) => ({
  webhooks: [
    { uuid: HOOK_UUID, enabled: true, url, secret: SECRET, events },
  ] as BounceSettings['outbound']['webhooks'],
});

async function requestsPerBounce(endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      count++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCount' },
  );
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const outbox = new DynamoDbOutboxStore(db, TABLE);
  const url = 'https://hooks.example/x';
  const cases: [string, BounceType, BounceSettings][] = [
    ['soft, no action, no sink', 'soft', settingsWith({})],
    ['hard -> blocklist, no sink', 'hard', settingsWith({})],
    ['hard -> blocklist, webhook on actions', 'hard', settingsWith(hook(url, ['subscriber.blocklisted']))],
    ['soft, no action, webhook on bounce.recorded', 'soft', settingsWith(hook(url, ['bounce.recorded']))],
    [
      'hard -> blocklist, webhook on both',
      'hard',
      settingsWith(hook(url, ['bounce.recorded', 'subscriber.blocklisted'])),
    ],
    ['hard -> blocklist, ses_suppression only', 'hard', settingsWith({ ses_suppression: { enabled: true } })],
    ['soft, no action, ses_suppression only', 'soft', settingsWith({ ses_suppression: { enabled: true } })],
  ];
  const rows: string[][] = [];
  for (const [i, [label, type, settings]] of cases.entries()) {
    const record: RecordDeps = {
      subscribers: new DynamoDbSubscriberStore(db, TABLE),
      bounces: new DynamoDbBounceStore(db, TABLE, new CursorSigner(new MemorySecretStore())),
      events: new OutboxPublisher({ outbox, settings: { get: async () => settings }, clock: systemClock }),
      clock: systemClock,
      ids: ulidIds(),
    };
    const email = `rpb${i}@bench.example.com`;
    // Known subscriber: one earlier soft bounce (no action) makes the record exist.
    await recordBounce(record, settingsWith({}), {
      email,
      type: 'soft',
      reason: 'unknown',
      source: 'bench',
      meta: {},
    });
    count = 0;
    const result = await recordBounce(record, settings, {
      email,
      type,
      reason: 'user_unknown',
      source: 'bench',
      meta: {},
    });
    rows.push([label, result.action, String(count)]);
  }
  client.destroy();
  for (const line of table([['case (known subscriber)', 'fires', 'requests'], ...rows], 'llr'))
    console.log(`  ${line}`);
  return rows.map(([label, , n]) => `${label}: ${n} requests`);
}

async function deliveriesPerSecond(endpoint: string, url: string): Promise<string[]> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const settings = settingsWith(hook(url, ['subscriber.blocklisted']));
  const source = { get: async () => settings };
  const outbox = new DynamoDbOutboxStore(db, TABLE);
  const record: RecordDeps = {
    subscribers: new DynamoDbSubscriberStore(db, TABLE),
    bounces: new DynamoDbBounceStore(db, TABLE, new CursorSigner(new MemorySecretStore())),
    events: new OutboxPublisher({ outbox, settings: source, clock: systemClock }),
    clock: systemClock,
    ids: ulidIds(),
  };
  const N = 300;
  for (let i = 0; i < N; i++)
    await recordBounce(record, settings, {
      email: `dps${i}@bench.example.com`,
      type: 'hard',
      reason: 'user_unknown',
      source: 'bench',
      meta: {},
    });
  const http = new EgressHttpClient({ allowLoopbackHttp: true, allow: [] });
  const t0 = performance.now();
  let delivered = 0;
  while (delivered < N) {
    const report = await dispatchDue(
      {
        outbox,
        settings: source,
        clock: systemClock,
        http,
        signer: standardWebhooksSigner,
        suppression: new LogSuppressionList(silent),
      },
      N,
    );
    if (report.delivered === 0) break;
    delivered += report.delivered;
  }
  const dispatchMs = performance.now() - t0;
  // Baseline: the same number of plain POSTs to the same receiver, one at a time.
  const t1 = performance.now();
  for (let i = 0; i < N; i++)
    await new Promise<void>((done, fail) => {
      const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => done());
      });
      req.on('error', fail);
      req.end('{}');
    });
  const plainMs = performance.now() - t1;
  const rate = (delivered / dispatchMs) * 1000;
  const plain = (N / plainMs) * 1000;
  const line = `dispatcher: ${rate.toFixed(0)} deliveries/s (${delivered} of ${N}); plain POSTs to the same receiver: ${plain.toFixed(0)}/s; ratio ${(rate / plain).toFixed(2)}`;
  console.log(`  ${line}`);
  db.destroy();
  return [line];
}

async function latency(): Promise<string[]> {
  const r = await receiver();
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  const service = await startLocalService({ port: 0, logger, scanEveryMs: 0 });
  try {
    const auth = {
      Authorization: `token ${service.user.name}:${service.user.token}`,
      'Content-Type': 'application/json',
    };
    const put = await fetch(`${service.url}/api/settings/bounce`, {
      method: 'PUT',
      headers: { ...auth, 'If-Match': '"0"' },
      body: JSON.stringify({ outbound: { webhooks: [{ url: r.url, secret: SECRET }] } }),
    });
    if (put.status !== 200) throw new Error(`settings: ${put.status}`);
    const { toEventDocument } = await import('../../lambdas/core/outbound/event-document.js');
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const email = `lat${i}@bench.example.com`;
      const res = await fetch(`${service.url}/webhooks/bounce`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ email, source: 'api', type: 'hard' }),
      });
      const answeredAt = performance.now();
      const body = (await res.json()) as { data: { id: string } };
      const stored = await service.deps.record.bounces.get(body.data.id);
      const id = toEventDocument({
        type: 'subscriber.blocklisted',
        email,
        bounce_id: body.data.id,
        at: stored?.created_at ?? '',
      }).data.event_id;
      samples.push((await r.seen(id)) - answeredAt);
    }
    samples.sort((a, b) => a - b);
    const q = (p: number) =>
      (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number).toFixed(1);
    const line = `webhook 200 -> sink received (npm start, loopback receiver, 100 bounces): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`;
    console.log(`  ${line}`);
    return [line];
  } finally {
    await service.close();
    r.server.close();
  }
}

export async function benchOutbound(): Promise<string[]> {
  const ddb = await startDynalite();
  const r = await receiver();
  try {
    await ensureTable(ddb.endpoint, TABLE);
    return [
      ...(await requestsPerBounce(ddb.endpoint)),
      ...(await deliveriesPerSecond(ddb.endpoint, r.url)),
      ...(await latency()),
    ];
  } finally {
    r.server.close();
    await ddb.close();
  }
}
