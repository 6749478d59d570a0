import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { createDynamoDbClient } from '../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbStatsStore } from '../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { BounceInput, BounceType } from '../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import {
  type Action,
  type ActionRule,
  type BounceSettings,
  effectiveSettings,
} from '../../lambdas/core/settings/settings.js';
import { countedSubscriberStore } from '../../lambdas/core/stats/counted-subscriber-store.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';
import { table } from './stats.js';

const TABLE = 'stmails-bench';
/** Each case runs on this many fresh addresses: the counts must not vary between them. */
const REPEATS = 3;

/**
 * DESIGN §3's request budget per recorded bounce, counted against DynamoDB: known address 3 at most,
 * new address with an idempotency key 5 at most, at most 3 sequential round trips without an action;
 * an action adds at most 2 (plus its outbox event). An event key without a time from its event costs
 * one request and one round trip more: an event item claims the key (README "Data model").
 */
const BUDGET = { known: 3, new: 5, roundTripsWithoutAction: 3, action: 2, untimed: 1 } as const;
/** A time as providers send it with their events. */
const EVENT_TIME = '2026-01-15T10:00:00.000Z';

interface Case {
  label: string;
  address: 'new' | 'known';
  /** What the settings make of this bounce's type, as printed. */
  rule: string;
  fires: Action;
  /** Keyed by an event that carries no time (a POP3 message, the generic webhook without created_at). */
  untimed?: boolean;
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

/** Keyed as providers key their events, with the event's own time. */
function keyed(email: string, type: BounceType, key: string): BounceInput {
  return input(email, type, { event_key: `webhook:bench:${email}:${key}`, created_at: EVENT_TIME });
}

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

const NONE = 'none (soft default)';
const HARD_FIRED = 'blocklist, fired before';
const SOFT_AT_3 = 'unsubscribe at 3 in 30 d';

/** Default settings unless named: soft -> none, hard and complaint -> blocklist on the first. */
const CASES: Case[] = [
  {
    label: 'new address, no event key',
    address: 'new',
    rule: NONE,
    fires: 'none',
    settings: BASE,
    bounce: soft,
  },
  {
    label: 'new address, event key',
    address: 'new',
    rule: NONE,
    fires: 'none',
    settings: BASE,
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  {
    label: 'new address, event key without time',
    address: 'new',
    rule: NONE,
    fires: 'none',
    untimed: true,
    settings: BASE,
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
  },
  {
    label: 'known address, no event key',
    address: 'known',
    rule: NONE,
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  {
    label: 'known address, event key',
    address: 'known',
    rule: NONE,
    fires: 'none',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  {
    label: 'known address, event key without time',
    address: 'known',
    rule: SOFT_AT_3,
    fires: 'none',
    untimed: true,
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
  },
  {
    label: 'known by subscriber_uuid only',
    address: 'known',
    rule: NONE,
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
    label: 'known address, no key, below threshold',
    address: 'known',
    rule: SOFT_AT_3,
    fires: 'none',
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  {
    label: 'known address, event key, below threshold',
    address: 'known',
    rule: SOFT_AT_3,
    fires: 'none',
    settings: SOFT_BELOW_THRESHOLD,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  {
    label: 'known address, hard again',
    address: 'known',
    rule: HARD_FIRED,
    fires: 'none',
    settings: BASE,
    before: (e) => [hard(e)],
    bounce: hard,
  },
  {
    label: 'redelivery of a stored event (duplicate)',
    address: 'known',
    rule: NONE,
    fires: 'none',
    settings: BASE,
    before: (e) => [keyed(e, 'soft', 'a')],
    bounce: (e) => keyed(e, 'soft', 'a'),
  },
  {
    label: 'redelivery of a stored event without time',
    address: 'known',
    rule: NONE,
    fires: 'none',
    untimed: true,
    settings: BASE,
    before: (e) => [keyedUntimed(e, 'soft', 'a')],
    bounce: (e) => keyedUntimed(e, 'soft', 'a'),
  },
  {
    label: 'hard, new address',
    address: 'new',
    rule: 'blocklist at 1',
    fires: 'blocklist',
    settings: BASE,
    bounce: hard,
  },
  {
    label: 'hard, new address, event key',
    address: 'new',
    rule: 'blocklist at 1',
    fires: 'blocklist',
    settings: BASE,
    bounce: (e) => keyed(e, 'hard', 'a'),
  },
  {
    label: 'hard, known address, event key',
    address: 'known',
    rule: 'blocklist at 1',
    fires: 'blocklist',
    settings: BASE,
    before: (e) => [soft(e)],
    bounce: (e) => keyed(e, 'hard', 'a'),
  },
  {
    label: '2nd soft in 30 d, known address',
    address: 'known',
    rule: 'unsubscribe at 2 in 30 d',
    fires: 'unsubscribe',
    settings: UNSUBSCRIBE_2ND_SOFT,
    before: (e) => [soft(e)],
    bounce: soft,
  },
  {
    label: 'hard, new address',
    address: 'new',
    rule: 'delete at 1',
    fires: 'delete',
    settings: DELETE_ON_HARD,
    bounce: hard,
  },
  {
    label: 'hard, known address with 3 keyed bounces',
    address: 'known',
    rule: 'delete at 1',
    fires: 'delete',
    settings: DELETE_ON_HARD,
    before: (e) => [keyed(e, 'soft', '1'), keyed(e, 'soft', '2'), keyed(e, 'soft', '3')],
    bounce: hard,
  },
];

interface Counter {
  reset(): void;
  total(): number;
  /** Requests sent while none other was in flight: the sequential depth of the recording. */
  roundTrips(): number;
  count(command: string): number;
  breakdown(): string;
}

/**
 * Counts every HTTP request the client sends (each attempt, inside the SDK's retry loop), by command,
 * and the round trips: a request that starts while another is in flight shares its round trip.
 */
function countedClient(endpoint: string): { client: DynamoDBClient; counter: Counter } {
  const client = createDynamoDbClient(localClientConfig(endpoint));
  const byCommand = new Map<string, number>();
  let inFlight = 0;
  let trips = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      if (inFlight === 0) trips++;
      inFlight++;
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchCountRequests' },
  );
  const counter: Counter = {
    reset: () => {
      byCommand.clear();
      trips = 0;
    },
    total: () => [...byCommand.values()].reduce((a, b) => a + b, 0),
    roundTrips: () => trips,
    count: (command) => byCommand.get(command) ?? 0,
    breakdown: () => [...byCommand].map(([name, n]) => `${name} ${n}`).join(', '),
  };
  return { client, counter };
}

interface Measured {
  c: Case;
  requests: number;
  roundTrips: number;
  /** The same bounce on DynamoDB: a failed conditional put hands back the old item there. */
  onDynamoDb: number;
  roundTripsOnDynamoDb: number;
  breakdown: string;
  budget: number;
  /** Set when repeats differed or the case did not do what it names. */
  problem?: string;
}

function budgetOf(c: Case): number {
  return BUDGET[c.address] + (c.fires === 'none' ? 0 : BUDGET.action) + (c.untimed ? BUDGET.untimed : 0);
}

function roundTripBudgetOf(c: Case): number {
  return BUDGET.roundTripsWithoutAction + (c.untimed ? BUDGET.untimed : 0);
}

async function measure(deps: RecordDeps, counter: Counter, c: Case, index: number): Promise<Measured> {
  const runs: { total: number; trips: number; gets: number; breakdown: string }[] = [];
  const problems: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const email = `case${index}-run${r}@bench.example.com`;
    for (const earlier of c.before?.(email) ?? []) await recordBounce(deps, c.settings, earlier);
    counter.reset();
    const result = await recordBounce(deps, c.settings, c.bounce(email));
    runs.push({
      total: counter.total(),
      trips: counter.roundTrips(),
      // Recording reads single items only where dynalite does not return the old item with a failed
      // condition (ReturnValuesOnConditionCheckFailure); DynamoDB does, so it skips these reads.
      gets: counter.count('GetItem'),
      breakdown: counter.breakdown(),
    });
    if (result.action !== c.fires) problems.push(`run ${r} fired ${result.action}, expected ${c.fires}`);
  }
  const first = runs[0] as (typeof runs)[number];
  if (runs.some((run) => run.breakdown !== first.breakdown)) {
    problems.push(`varies between runs: ${runs.map((run) => run.total).join(' / ')}`);
  }
  return {
    c,
    requests: first.total,
    roundTrips: first.trips,
    onDynamoDb: first.total - first.gets,
    // Recording awaits each request in turn, so each GetItem saved is a round trip saved.
    roundTripsOnDynamoDb: first.trips - first.gets,
    breakdown: first.breakdown,
    budget: budgetOf(c),
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

function overBudget(m: Measured): string[] {
  // `delete` erases every bounce of the address: its cost grows with them, no fixed budget holds it.
  if (m.c.fires === 'delete') return [];
  const over: string[] = [];
  if (m.onDynamoDb > m.budget) over.push(`requests ${m.onDynamoDb} > ${m.budget}`);
  if (m.c.fires === 'none' && m.roundTripsOnDynamoDb > roundTripBudgetOf(m.c)) {
    over.push(`round trips ${m.roundTripsOnDynamoDb} > ${roundTripBudgetOf(m.c)}`);
  }
  return over;
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
      bounces: new DynamoDbBounceStore(db, TABLE, new CursorSigner(new MemorySecretStore())),
      events: { publish: async () => undefined },
      clock: systemClock,
      ids: ulidIds(),
    };
    const results: Measured[] = [];
    for (const [i, c] of CASES.entries()) results.push(await measure(record, counter, c, i));
    // The same cases with the statistics counters as deployed (a delete also uncounts what it erased).
    const stats = new DynamoDbStatsStore(db, TABLE);
    const withCounters: RecordDeps = {
      ...record,
      subscribers: countedSubscriberStore(record.subscribers, stats),
      stats,
    };
    const counted: Measured[] = [];
    for (const [i, c] of CASES.entries())
      counted.push(await measure(withCounters, counter, c, CASES.length + i));

    const rows = results.map((m) => {
      const over = overBudget(m);
      return [
        m.c.label,
        m.c.rule,
        m.c.fires,
        String(m.requests),
        String(m.roundTrips),
        m.onDynamoDb === m.requests ? '' : `${m.onDynamoDb} / ${m.roundTripsOnDynamoDb}`,
        m.c.fires === 'delete' ? '-' : String(m.budget),
        `${m.breakdown}${over.length ? `   <- over: ${over.join(', ')}` : ''}${m.problem ? `   !! ${m.problem}` : ''}`,
      ];
    });
    const header = [
      'case',
      "type's action",
      'fires',
      'requests',
      'round trips',
      'on DynamoDB',
      'budget',
      'per command',
    ];
    for (const line of table([header, ...rows], 'lllrrrrl')) console.log(`  ${line}`);
    console.log('  requests: HTTP requests to dynalite, each retry included (none here: no faults)');
    console.log(
      '  on DynamoDB: requests / round trips where they differ: a failed conditional put returns the old item there,',
    );
    console.log('  dynalite needs a GetItem for it. Budgets are judged on these figures.');
    console.log(
      `  budget (DESIGN §3): known address ${BUDGET.known}, new address ${BUDGET.new}, +${BUDGET.action} for an action; ` +
        `round trips <= ${BUDGET.roundTripsWithoutAction} without an action; +${BUDGET.untimed} each for an event key ` +
        'without a time (an event item claims it)',
    );
    console.log(
      '  (`delete` is held to no budget: it removes every bounce of the address, one batch per 25)',
    );
    console.log('  (not counted: the webhook handler reads settings at most once per 5 s per container)');

    const compared = results.map((m, i) => {
      const c = counted[i] as Measured;
      return [
        m.c.label,
        m.c.fires,
        String(m.onDynamoDb),
        String(c.onDynamoDb),
        String(m.roundTripsOnDynamoDb),
        String(c.roundTripsOnDynamoDb),
        c.problem ? `!! ${c.problem}` : '',
      ];
    });
    console.log('');
    console.log('  before/after the statistics counters (on DynamoDB):');
    const header2 = ['case', 'fires', 'requests before', 'after', 'round trips before', 'after', ''];
    for (const line of table([header2, ...compared], 'llrrrrl')) console.log(`  ${line}`);

    const figureOf = (of: Measured[]) => (pick: (m: Measured) => boolean) => {
      const found = of.filter(pick).map((m) => m.onDynamoDb);
      return found.length ? `${Math.min(...found)}-${Math.max(...found)}`.replace(/^(\d+)-\1$/, '$1') : '-';
    };
    const figure = (pick: (m: Measured) => boolean) => {
      const found = results.filter(pick).map((m) => m.onDynamoDb);
      return found.length ? `${Math.min(...found)}-${Math.max(...found)}`.replace(/^(\d+)-\1$/, '$1') : '-';
    };
    const none = (address: Case['address']) => (m: Measured) =>
      m.c.fires === 'none' && m.c.address === address && !m.c.untimed;
    const over = results
      .filter((m) => overBudget(m).length)
      .map((m) => `${m.c.label} (${overBudget(m).join(', ')})`);
    const broken = results.filter((m) => m.problem).map((m) => `${m.c.label}: ${m.problem}`);
    return [
      `requests per bounce without action: known address ${figure(none('known'))} (budget ${BUDGET.known}), ` +
        `new address ${figure(none('new'))} (budget ${BUDGET.new}); event key without a time ` +
        `${figure((m) => m.c.fires === 'none' && m.c.untimed === true)} (budget +${BUDGET.untimed}); ` +
        `with an action ${figure((m) => m.c.fires !== 'none' && m.c.fires !== 'delete')}, ` +
        `delete ${figure((m) => m.c.fires === 'delete')}`,
      `with the statistics counters: known address ${figureOf(counted)(none('known'))}, new address ` +
        `${figureOf(counted)(none('new'))}, with an action ${figureOf(counted)((m) => m.c.fires !== 'none' && m.c.fires !== 'delete')}, ` +
        `delete ${figureOf(counted)((m) => m.c.fires === 'delete')} (the counter adds one request; it runs beside the count, so round trips without an action stay within 3)`,
      over.length ? `over budget: ${over.join('; ')}` : 'every case within budget',
      ...broken.map((b) => `!! ${b}`),
    ];
  } finally {
    client.destroy();
    await ddb.close();
  }
}
