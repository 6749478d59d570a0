import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ensureTable, type LocalDynamoDb, startDynalite } from '../local/local-dynamodb.js';
import { CAMPAIGN, WEBHOOK_PATH } from './events.js';
import { formatCount, table } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABLE = 'stmails-bounce';
const CONNECTIONS = 32;
const WARMUP = 1_000;
/** Rounds are interleaved (floor, service, floor, ...): the median ratio resists a noisy neighbour. */
const ROUNDS = 5;
const KNOWN_ADDRESSES = 1_000;
const USER = 'bench';
const TOKEN = 'bench-token-throughput';
const TARGET_RATIO = 0.8;

/** A server under load, in its own process, over its own dynalite process. */
interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  store: LocalDynamoDb;
  stop(): Promise<void>;
}

async function launch(
  script: string,
  env: Record<string, string>,
  listening: RegExp,
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL(script, import.meta.url), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 120_000);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = listening.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
  // Its log lines from here on are read and dropped, as a terminal would take them.
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  return { child, port };
}

function stopper(child: ChildProcess, store: LocalDynamoDb): () => Promise<void> {
  return async () => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
    await store.close();
  };
}

async function startFloor(): Promise<Target> {
  const store = await startDynalite();
  await ensureTable(store.endpoint, TABLE);
  const { child, port } = await launch(
    './floor-server.ts',
    { TABLE_NAME: TABLE, DYNAMODB_ENDPOINT: store.endpoint },
    /listening (\d+)/,
  );
  return {
    name: 'floor',
    url: `http://127.0.0.1:${port}`,
    headers: {},
    store,
    stop: stopper(child, store),
  };
}

/** `npm start` as users run it, given a dynalite this benchmark started (so it can count requests). */
async function startService(): Promise<Target> {
  const store = await startDynalite();
  const { child, port } = await launch(
    '../local.ts',
    {
      PORT: '0',
      STMAILS_DYNAMODB_ENDPOINT: store.endpoint,
      STMAILS_API_USER: USER,
      STMAILS_API_TOKEN: TOKEN,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  return {
    name: 'service',
    url: `http://127.0.0.1:${port}`,
    headers: { authorization: `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}` },
    store,
    stop: stopper(child, store),
  };
}

interface LoadCase {
  label: string;
  /** The i-th body of a run named `run`. */
  body: (i: number, run: string) => Record<string, unknown>;
  /** Bodies sent once before measuring (and to warm up), e.g. to make addresses known. */
  prepare?: number;
  /** Requests per measured run; a fixed amount, so every request sent is answered and counted. */
  amount: number;
}

const EVENT_TIME = Date.parse('2026-01-15T10:00:00.000Z');

/** As a provider sends it: an event id and the event's time; the address is already known. */
const SOFT: LoadCase = {
  label: 'soft bounce, known address, event key',
  body: (i, run) => ({
    email: `user${i % KNOWN_ADDRESSES}@soft.example.com`,
    source: 'bench',
    type: 'soft',
    campaign_uuid: CAMPAIGN,
    meta: { reason: 'mailbox_full', status: '4.2.2' },
    event_id: `${run}-${i}`,
    created_at: new Date(EVENT_TIME + i).toISOString(),
  }),
  prepare: KNOWN_ADDRESSES,
  amount: 1_500,
};

/** A hard bounce for an address never seen: creates the record and fires blocklist (the default). */
const ACTION: LoadCase = {
  label: 'hard bounce, new address, fires blocklist',
  body: (i, run) => ({
    email: `fresh-${run}-${i}@action.example.com`,
    source: 'bench',
    type: 'hard',
    campaign_uuid: CAMPAIGN,
    meta: { reason: 'user_unknown', status: '5.1.1' },
    event_id: `${run}-${i}`,
    created_at: new Date(EVENT_TIME + i).toISOString(),
  }),
  amount: 600,
};

interface Outcome {
  seconds: number;
  bounces: number;
  /** DynamoDB requests the store served during the run. */
  requests: number;
  failures: number;
  firstFailure?: string;
}

async function load(target: Target, c: LoadCase, run: string, amount: number): Promise<Outcome> {
  let n = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const before = await target.store.served();
  const started = performance.now();
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    amount,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        headers: { 'content-type': 'application/json', ...target.headers },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(c.body(n++, run)) }),
        onResponse: (status, body) => {
          if (status === 200) return;
          failures++;
          firstFailure ??= `${status} ${body}`;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const requests = (await target.store.served()) - before;
  return {
    seconds,
    bounces: result.requests.total,
    requests,
    failures: failures + result.errors + result.timeouts,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Measured {
  rate: number;
  bouncesPerSecond: number;
  perBounce: number;
  failures: number;
}

function measured(o: Outcome): Measured {
  return {
    rate: o.requests / o.seconds,
    bouncesPerSecond: o.bounces / o.seconds,
    perBounce: o.requests / Math.max(1, o.bounces),
    failures: o.failures,
  };
}

/**
 * The service against the floor, each in its own process over its own dynalite process, loaded in
 * turn (never at once) by autocannon in this process, rounds interleaved. The figure is the DynamoDB
 * request rate each drives: the store counts the requests it serves.
 */
export async function benchThroughput(): Promise<string[]> {
  console.log(
    `  autocannon in this process, ${CONNECTIONS} connections, a fixed number of requests per run after ` +
      `${formatCount(WARMUP)} warm-up, ${ROUNDS} interleaved rounds; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    '  floor: one conditional PutItem of the same bounce item per POST (no auth, no subscriber, no rules); ' +
      'service: npm start (bin/local.ts)',
  );
  const summary: string[] = [];
  for (const c of [SOFT, ACTION]) {
    const floor = await startFloor();
    const service = await startService();
    try {
      for (const target of [floor, service]) {
        if (c.prepare) await load(target, c, 'prepare', c.prepare);
        await load(target, c, 'warm', WARMUP);
      }
      const rounds: { floor: Measured; service: Measured }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // The soft case reuses the known addresses with fresh event ids; the action case fresh addresses.
        const f = await load(floor, c, `r${r}`, c.amount);
        const s = await load(service, c, `r${r}`, c.amount);
        if (s.firstFailure) console.log(`  !! service: ${s.firstFailure}`);
        if (f.firstFailure) console.log(`  !! floor: ${f.firstFailure}`);
        rounds.push({ floor: measured(f), service: measured(s) });
      }
      const rows = rounds.map((r, i) => [
        `round ${i + 1}`,
        formatCount(r.floor.rate),
        formatCount(r.service.bouncesPerSecond),
        r.service.perBounce.toFixed(2),
        formatCount(r.service.rate),
        (r.service.rate / r.floor.rate).toFixed(2),
        String(r.floor.failures + r.service.failures),
      ]);
      const ratio = median(rounds.map((r) => r.service.rate / r.floor.rate));
      const errors = rounds.reduce((sum, r) => sum + r.floor.failures + r.service.failures, 0);
      console.log(`  ${c.label}, ${formatCount(c.amount)} requests per run`);
      const header = [
        '',
        'floor req/s',
        'service bounces/s',
        'req/bounce',
        'service req/s',
        'ratio',
        'errors',
      ];
      for (const line of table([header, ...rows])) console.log(`    ${line}`);
      const met = ratio >= TARGET_RATIO && errors === 0;
      summary.push(
        `${c.label}: service drives ${ratio.toFixed(2)}x the floor's DynamoDB requests/s (median of ${ROUNDS}; ` +
          `${formatCount(median(rounds.map((r) => r.service.bouncesPerSecond)))} bounces/s x ` +
          `${median(rounds.map((r) => r.service.perBounce)).toFixed(2)} req/bounce vs ` +
          `${formatCount(median(rounds.map((r) => r.floor.rate)))} puts/s), ${errors} errors ` +
          `(target >= ${TARGET_RATIO}x, 0 errors: ${met ? 'met' : 'MISSED'})`,
      );
    } finally {
      await service.stop();
      await floor.stop();
    }
  }
  return summary;
}
