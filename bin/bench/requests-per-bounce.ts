import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbStatsStore } from '../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { BounceInput, BounceType } from '../../lambdas/core/bounce.js';
import { type RecordDeps, recordBounce } from '../../lambdas/core/record-bounce.js';
import {
  type Action,
  type ActionRule,
  type BounceSettings,
  effectiveSettings,
} from '../../lambdas/core/settings.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { table } from './stats.js';

const TABLE = 'stmails-bench';
/** Each case runs on this many fresh addresses: the counts must not vary between them. */
const REPEATS = 3;
const TARGET_NO_ACTION = 4;

interface Case {
  label: string;
  fires: Action;
  settings: BounceSettings;
  /** Recorded first and not counted: they make the subscriber known, or fire an earlier action. */
  before?: (email: string) => BounceInput[];
  bounce: (email: string) => BounceInput;
}

const BASE = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);

function settingsWith(type: BounceType, rule: ActionRule): BounceSettings {
  return { ...BASE, actions: { ...BASE.actions, [type]: rule } };
}

function input(email: string, type: BounceType, extra: Partial<BounceInput> = {}): BounceInput {
  return { email, type, reason: 'unknown', source: 'bench', meta: { bench: true }, ...extra };
}

function keyed(email: string, type: BounceType, key: string): BounceInput {
  return input(email, type, { event_key: `webhook:bench:${email}:${key}` });
}

const UUIDS = new Map<string, string>();
function uuidOf(email: string): string {
  const uuid = UUIDS.get(email) ?? randomUUID();
  UUIDS.set(email, uuid);
  return uuid;
}

const soft = (e: string) => input(e, 'soft');
const hard = (e: string) => input(e, 'hard');
const UNSUBSCRIBE_2ND_SOFT = settingsWith('soft', { count: 2, action: 'unsubscribe', window_days: 30 });
const SOFT_BELOW_THRESHOLD = settingsWith('soft', { count: 3, action: 'unsubscribe', window_days: 30 });
const DELETE_ON_HARD = settingsWith('hard', { count: 1, action: 'delete', window_days: 0 });

/** Default settings unless named: soft → none, hard and complaint → blocklist on the first. */
const CASES: Case[] = [
  { label: 'new subscriber, no event key', fires: 'none', settings: BASE, bounce: soft },
  { label: 'new subscriber, event key', fires: 'none', settings: BASE, bounce: (e) => keyed(e, 'soft', 'a') },
  {
    label: 'known subscriber, no event key',
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  {
    label: 'known subscriber, event key',
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  {
    label: 'known subscriber by subscriber_uuid only',
    fires: 'none',
    settings: BASE,
    before: (e) => [input(e, 'soft', { subscriber_uuid: uuidOf(e) })],
    bounce: (e) => ({
      type: 'soft',
      reason: 'unknown',
      source: 'bench',
      meta: {},
      subscriber_uuid: uuidOf(e),
    }),
  },
  {
    label: 'known, soft below an unsubscribe threshold (3 in 30 d)',
    fires: 'none',
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  {
    label: 'known, hard after blocklist already fired',
    fires: 'none',
    settings: BASE,
    before: (e) => [hard(e)],
    bounce: hard,
  },
  {
    label: 'redelivery of a stored event (duplicate)',
    fires: 'none',
    settings: BASE,
    before: (e) => [keyed(e, 'soft', 'a')],
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  { label: 'blocklist: hard, new subscriber', fires: 'blocklist', settings: BASE, bounce: hard },
  {
    label: 'blocklist: hard, known subscriber, event key',
    fires: 'blocklist',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'hard', 'a'),
  },
  {
    label: 'unsubscribe: 2nd soft in 30 d, known subscriber',
    fires: 'unsubscribe',
    settings: UNSUBSCRIBE_2ND_SOFT,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  { label: 'delete: hard, new subscriber', fires: 'delete', settings: DELETE_ON_HARD, bounce: hard },
  {
    label: 'delete: hard, known subscriber with 3 keyed bounces',
    fires: 'delete',
    settings: DELETE_ON_HARD,
    before: (e) => [keyed(e, 'soft', '1'), keyed(e, 'soft', '2'), keyed(e, 'soft', '3')],
    bounce: hard,
  },
];

interface Counter {
  byCommand: Map<string, number>;
  reset(): void;
  total(): number;
  breakdown(): string;
}

/** Counts every request the SDK sends, by command, at the first middleware step (before retries). */
function countedClient(endpoint: string): { client: DynamoDBClient; counter: Counter } {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const byCommand = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  const counter: Counter = {
    byCommand,
    reset: () => byCommand.clear(),
    total: () => [...byCommand.values()].reduce((a, b) => a + b, 0),
    breakdown: () => [...byCommand].map(([name, n]) => `${name} ${n}`).join(', '),
  };
  return { client, counter };
}

interface Measured {
  label: string;
  fires: Action;
  requests: number;
  breakdown: string;
  /** Set when repeats differed or the case did not do what it names. */
  problem?: string;
}

async function measure(deps: RecordDeps, counter: Counter, c: Case, index: number): Promise<Measured> {
  const runs: { total: number; breakdown: string }[] = [];
  const problems: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const email = `case${index}-run${r}@bench.example.com`;
    for (const earlier of c.before?.(email) ?? []) await recordBounce(deps, c.settings, earlier);
    counter.reset();
    const result = await recordBounce(deps, c.settings, c.bounce(email));
    runs.push({ total: counter.total(), breakdown: counter.breakdown() });
    if (result.action !== c.fires) problems.push(`run ${r} fired ${result.action}, expected ${c.fires}`);
  }
  const first = runs[0] as { total: number; breakdown: string };
  if (runs.some((run) => run.breakdown !== first.breakdown)) {
    problems.push(`varies between runs: ${runs.map((run) => run.total).join(' / ')}`);
  }
  return {
    label: c.label,
    fires: c.fires,
    requests: first.total,
    breakdown: first.breakdown,
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

export async function benchRequestsPerBounce(): Promise<string[]> {
  const ddb = await startDynalite();
  const { client, counter } = countedClient(ddb.endpoint);
  try {
    await ensureTable(ddb.endpoint, TABLE);
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    // The stores and id generator the deployed wiring uses; only recordBounce is measured.
    const record: RecordDeps = {
      subscribers: new DynamoDbSubscriberStore(db, TABLE),
      bounces: new DynamoDbBounceStore(db, TABLE),
      events: { publish: async () => undefined },
      clock: systemClock,
      ids: ulidIds(),
    };
    const results: Measured[] = [];
    for (const [i, c] of CASES.entries()) results.push(await measure(record, counter, c, i));
    // The same cases with the statistics counters the deployed wiring adds (one write per new bounce).
    const counted: RecordDeps = { ...record, stats: new DynamoDbStatsStore(db, TABLE) };
    const withStats: Measured[] = [];
    for (const [i, c] of CASES.entries())
      withStats.push(await measure(counted, counter, c, i + CASES.length));

    const over = (m: Measured) => m.fires === 'none' && m.requests > TARGET_NO_ACTION;
    const rows = results.map((m) => [
      m.label,
      m.fires,
      String(m.requests),
      `${m.breakdown}${over(m) ? `   <- over ${TARGET_NO_ACTION}` : ''}${m.problem ? `   !! ${m.problem}` : ''}`,
    ]);
    for (const line of table([['case', 'fires', 'requests', 'per command'], ...rows], 'lrrl'))
      console.log(`  ${line}`);
    console.log('  (not counted: the webhook handler reads settings at most once per 5 s per container)');

    const noAction = results.filter((m) => m.fires === 'none').map((m) => m.requests);
    const action = results.filter((m) => m.fires !== 'none').map((m) => m.requests);
    const overTarget = results.filter(over).map((m) => `${m.label}: ${m.requests}`);
    const broken = results.filter((m) => m.problem).map((m) => `${m.label}: ${m.problem}`);
    const range = (ms: Measured[]) =>
      `${Math.min(...ms.map((m) => m.requests))}-${Math.max(...ms.map((m) => m.requests))}`;
    const statsLine =
      `with statistics counters: without action ${range(withStats.filter((m) => m.fires === 'none'))}, ` +
      `firing an action ${range(withStats.filter((m) => m.fires !== 'none'))}; ` +
      withStats.map((m, i) => `${m.requests - (results[i]?.requests ?? 0)}`).join('/') +
      ' more per case';
    console.log(`  ${statsLine}`);
    return [
      statsLine,
      `requests per bounce without action ${Math.min(...noAction)}-${Math.max(...noAction)} (target <= ${TARGET_NO_ACTION})` +
        (overTarget.length ? `; over target: ${overTarget.join(', ')}` : '; all within target'),
      `requests per bounce firing an action ${Math.min(...action)}-${Math.max(...action)}`,
      ...broken.map((b) => `!! ${b}`),
    ];
  } finally {
    client.destroy();
    await ddb.close();
  }
}
