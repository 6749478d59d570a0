import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
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
/** A time as providers send it with their events; bounces keyed without one take the clock's. */
const EVENT_TIME = '2026-01-15T10:00:00.000Z';

/**
 * The request budget per recorded bounce: known address 3, new address with an idempotency key 5,
 * at most 3 sequential round trips without an action; an action adds at most 2 requests. An event
 * key without a time from its event costs one request and one round trip more (its event item).
 */
interface Budget {
  requests: number;
  roundTrips: number;
}

interface Case {
  label: string;
  fires: Action;
  settings: BounceSettings;
  /** Recorded first and not counted: they make the subscriber known, or fire an earlier action. */
  before?: (email: string) => BounceInput[];
  bounce: (email: string) => BounceInput;
  /** Absent where no budget applies (`delete` erases every bounce of the address). */
  budget?: Budget;
}

const BASE = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);

function settingsWith(type: BounceType, rule: ActionRule): BounceSettings {
  return { ...BASE, actions: { ...BASE.actions, [type]: rule } };
}

function input(email: string, type: BounceType, extra: Partial<BounceInput> = {}): BounceInput {
  return { email, type, reason: 'unknown', source: 'bench', meta: { bench: true }, ...extra };
}

/** Keyed as providers key their events, with the event's own time. */
function keyed(email: string, type: BounceType, key: string): BounceInput {
  return input(email, type, { event_key: `webhook:bench:${email}:${key}`, created_at: EVENT_TIME });
}

/** Keyed without a time (a POP3 message, a generic webhook without created_at). */
function keyedUntimed(email: string, type: BounceType, key: string): BounceInput {
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

const KNOWN: Budget = { requests: 3, roundTrips: 3 };
const NEW: Budget = { requests: 5, roundTrips: 3 };
const UNTIMED = (b: Budget): Budget => ({ requests: b.requests + 1, roundTrips: b.roundTrips + 1 });
const ACTION = (b: Budget): Budget => ({ requests: b.requests + 2, roundTrips: b.roundTrips + 2 });

/** Default settings unless named: soft → none, hard and complaint → blocklist on the first. */
const CASES: Case[] = [
  { label: 'new subscriber, no event key', fires: 'none', settings: BASE, bounce: soft, budget: NEW },
  {
    label: 'new subscriber, event key',
    fires: 'none',
    settings: BASE,
    bounce: (e) => keyed(e, 'soft', 'a'),
    budget: NEW,
  },
  {
    label: 'new subscriber, event key without time',
    fires: 'none',
    settings: BASE,
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
    budget: UNTIMED(NEW),
  },
  {
    label: 'known subscriber, no event key',
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: soft,
    budget: KNOWN,
  },
  {
    label: 'known subscriber, event key',
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'soft', 'a'),
    budget: KNOWN,
  },
  {
    label: 'known subscriber, event key without time',
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
    budget: UNTIMED(KNOWN),
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
    budget: KNOWN,
  },
  {
    label: 'known, soft below an unsubscribe threshold (3 in 30 d)',
    fires: 'none',
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: soft,
    budget: KNOWN,
  },
  {
    label: 'known, event key, soft below the threshold',
    fires: 'none',
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'soft', 'a'),
    budget: KNOWN,
  },
  {
    label: 'known, hard after blocklist already fired',
    fires: 'none',
    settings: BASE,
    before: (e) => [hard(e)],
    bounce: hard,
    budget: KNOWN,
  },
  {
    label: 'redelivery of a stored event (duplicate)',
    fires: 'none',
    settings: BASE,
    before: (e) => [keyed(e, 'soft', 'a')],
    bounce: (e) => keyed(e, 'soft', 'a'),
    budget: KNOWN,
  },
  {
    label: 'redelivery of a stored event without time',
    fires: 'none',
    settings: BASE,
    before: (e) => [keyedUntimed(e, 'soft', 'a')],
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
    budget: KNOWN,
  },
  {
    label: 'blocklist: hard, new subscriber',
    fires: 'blocklist',
    settings: BASE,
    bounce: hard,
    budget: ACTION(NEW),
  },
  {
    label: 'blocklist: hard, known subscriber, event key',
    fires: 'blocklist',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'hard', 'a'),
    budget: ACTION(KNOWN),
  },
  {
    label: 'unsubscribe: 2nd soft in 30 d, known subscriber',
    fires: 'unsubscribe',
    settings: UNSUBSCRIBE_2ND_SOFT,
    before: (e) => [soft(e)],
    bounce: soft,
    budget: ACTION(KNOWN),
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
  /** Longest chain of requests each sent after the one before it was answered. */
  roundTrips(): number;
  breakdown(): string;
}

/** Counts every request the SDK sends, by command, at the first middleware step (before retries). */
function countedClient(endpoint: string): { client: DynamoDBClient; counter: Counter } {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const byCommand = new Map<string, number>();
  let settled = 0;
  let deepest = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      const depth = settled + 1;
      try {
        return await next(args);
      } finally {
        settled = Math.max(settled, depth);
        deepest = Math.max(deepest, depth);
      }
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  const counter: Counter = {
    byCommand,
    reset: () => {
      byCommand.clear();
      settled = 0;
      deepest = 0;
    },
    total: () => [...byCommand.values()].reduce((a, b) => a + b, 0),
    roundTrips: () => deepest,
    breakdown: () => [...byCommand].map(([name, n]) => `${name} ${n}`).join(', '),
  };
  return { client, counter };
}

interface Measured {
  label: string;
  fires: Action;
  requests: number;
  roundTrips: number;
  breakdown: string;
  budget?: Budget;
  /** Set when repeats differed or the case did not do what it names. */
  problem?: string;
}

async function measure(deps: RecordDeps, counter: Counter, c: Case, index: number): Promise<Measured> {
  const runs: { total: number; roundTrips: number; breakdown: string }[] = [];
  const problems: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const email = `case${index}-run${r}@bench.example.com`;
    for (const earlier of c.before?.(email) ?? []) await recordBounce(deps, c.settings, earlier);
    counter.reset();
    const result = await recordBounce(deps, c.settings, c.bounce(email));
    runs.push({ total: counter.total(), roundTrips: counter.roundTrips(), breakdown: counter.breakdown() });
    if (result.action !== c.fires) problems.push(`run ${r} fired ${result.action}, expected ${c.fires}`);
  }
  const first = runs[0] as { total: number; roundTrips: number; breakdown: string };
  if (runs.some((run) => run.breakdown !== first.breakdown || run.roundTrips !== first.roundTrips)) {
    problems.push(`varies between runs: ${runs.map((run) => `${run.total}/${run.roundTrips}`).join(' ')}`);
  }
  return {
    label: c.label,
    fires: c.fires,
    requests: first.total,
    roundTrips: first.roundTrips,
    breakdown: first.breakdown,
    ...(c.budget ? { budget: c.budget } : {}),
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

function overBudget(m: Measured): boolean {
  return m.budget !== undefined && (m.requests > m.budget.requests || m.roundTrips > m.budget.roundTrips);
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

    const rows = results.map((m) => [
      m.label,
      m.fires,
      String(m.requests),
      String(m.roundTrips),
      m.budget ? `${m.budget.requests} / ${m.budget.roundTrips}` : '-',
      `${m.breakdown}${overBudget(m) ? '   <- over budget' : ''}${m.problem ? `   !! ${m.problem}` : ''}`,
    ]);
    const header = ['case', 'fires', 'requests', 'round trips', 'budget', 'per command'];
    for (const line of table([header, ...rows], 'lrrrrl')) console.log(`  ${line}`);
    console.log('  (not counted: the webhook handler reads settings at most once per 5 s per container)');
    console.log(
      '  (a duplicate reads the stored bounce back after its failed put: DynamoDB returns it with the ' +
        'failed condition, dynalite does not, so in AWS it costs one request less)',
    );

    const noAction = results.filter((m) => m.fires === 'none').map((m) => m.requests);
    const action = results.filter((m) => m.fires !== 'none').map((m) => m.requests);
    const over = results.filter(overBudget).map((m) => `${m.label}: ${m.requests}/${m.roundTrips}`);
    const broken = results.filter((m) => m.problem).map((m) => `${m.label}: ${m.problem}`);
    return [
      `requests per bounce without action ${Math.min(...noAction)}-${Math.max(...noAction)}, ` +
        `firing an action ${Math.min(...action)}-${Math.max(...action)}` +
        (over.length ? `; OVER BUDGET: ${over.join(', ')}` : '; every case within its budget'),
      ...broken.map((b) => `!! ${b}`),
    ];
  } finally {
    client.destroy();
    await ddb.close();
  }
}
