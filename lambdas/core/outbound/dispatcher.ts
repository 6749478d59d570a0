import type { Clock, SettingsSource } from '../ports.js';
import { MAX_ATTEMPTS, nextDelayMs } from './backoff.js';
import { type DeliverySink, deliverTo, type SinkDeps } from './deliver.js';
import { redactDeleted } from './event-document.js';
import type { DeliveryOutcome, DeliveryState, OutboxItem, OutboxStore } from './ports.js';

export interface DispatcherDeps extends SinkDeps {
  outbox: OutboxStore;
  settings: SettingsSource;
  clock: Clock;
  /** Told of each dead letter (a metric for the alarm in AWS). */
  onDeadLetter?: (item: OutboxItem, sink: string, state: DeliveryState) => void;
}

export interface DispatchReport {
  attempted: number;
  delivered: number;
  retried: number;
  failed: number;
  pruned: number;
}

/** How long one dispatcher holds an item; longer than a delivery can take (10 s timeouts, 3 calls). */
export const LEASE_MS = 60_000;
export const RETENTION_DAYS = 30;
const BATCH = 25;
const PARALLEL = 8;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Applies an attempt's outcome to a delivery: delivered, retried with backoff, or dead-lettered. */
export function afterAttempt(state: DeliveryState, outcome: DeliveryOutcome, nowMs: number): DeliveryState {
  const attempts = state.attempts + 1;
  const base = { ...state, attempts, last_attempt_at: iso(nowMs) };
  if (outcome.kind === 'delivered')
    return {
      ...base,
      status: 'delivered',
      next_attempt_at: null,
      last_error: null,
      note: outcome.note ?? null,
    };
  const delay = outcome.kind === 'retry' ? nextDelayMs(attempts) : null;
  if (delay === null || attempts >= MAX_ATTEMPTS)
    return { ...base, status: 'failed', next_attempt_at: null, last_error: outcome.error };
  return { ...base, status: 'pending', next_attempt_at: iso(nowMs + delay), last_error: outcome.error };
}

/** Sinks of `item` that must wait: an earlier event of the same subscriber is still pending for them. */
async function blockedSinks(deps: DispatcherDeps, item: OutboxItem): Promise<Set<string>> {
  const blocked = new Set<string>();
  for (const other of await deps.outbox.bySubject(item.subject)) {
    if (other.seq >= item.seq) continue;
    for (const [sink, state] of Object.entries(other.deliveries))
      if (state.status === 'pending') blocked.add(sink);
  }
  return blocked;
}

/** Attempts the item's due deliveries; answers how many it attempted and whether some had to wait. */
async function dispatchItem(
  deps: DispatcherDeps,
  item: OutboxItem,
  report: DispatchReport,
): Promise<{ attempted: number; waiting: boolean }> {
  const nowMs = deps.clock.now().getTime();
  const now = iso(nowMs);
  if (!(await deps.outbox.claim(item, now, iso(nowMs + LEASE_MS)))) return { attempted: 0, waiting: false };
  const { outbound } = await deps.settings.get();
  const blocked = await blockedSinks(deps, item);
  let attempted = 0;
  let waiting = false;
  for (const [sink, state] of Object.entries(item.deliveries)) {
    if (state.status !== 'pending' || (state.next_attempt_at ?? '') > now) continue;
    if (blocked.has(sink)) {
      waiting = true;
      continue;
    }
    const outcome = await deliverTo(deps, outbound, sink as DeliverySink, item.doc);
    const next = afterAttempt(state, outcome, deps.clock.now().getTime());
    item.deliveries[sink] = next;
    attempted++;
    report.attempted++;
    if (next.status === 'delivered') report.delivered++;
    else if (next.status === 'failed') {
      report.failed++;
      deps.onDeadLetter?.(item, sink, next);
    } else report.retried++;
  }
  if (Object.values(item.deliveries).every((s) => s.status === 'delivered'))
    item.doc = redactDeleted(item.doc);
  // Saving also releases the lease.
  await deps.outbox.save(item);
  return { attempted, waiting };
}

/**
 * One dispatcher run, the same locally and in AWS: delivers what is due (soonest first, each
 * subscriber's events in order), retries with backoff, dead-letters after the last attempt, and
 * prunes events finished more than 30 days ago (no TTL on dynalite).
 */
export async function dispatchDue(deps: DispatcherDeps, maxItems = 200): Promise<DispatchReport> {
  const report: DispatchReport = { attempted: 0, delivered: 0, retried: 0, failed: 0, pruned: 0 };
  // An item is attempted at most once per run; one that waited behind an earlier event of its
  // subscriber is looked at again in the same run once that event made progress.
  const done = new Set<string>();
  for (let round = 0; done.size < maxItems && round < maxItems; round++) {
    const now = deps.clock.now().toISOString();
    const due = (await deps.outbox.due(now, BATCH)).filter((i) => !done.has(i.doc.data.event_id));
    let progress = false;
    // Items of a batch go out side by side; two of one subscriber stay in order, as the later one
    // sees the earlier still pending and waits for the next round.
    for (let i = 0; i < due.length; i += PARALLEL) {
      await Promise.all(
        due.slice(i, i + PARALLEL).map(async (item) => {
          const { attempted, waiting } = await dispatchItem(deps, item, report);
          if (attempted > 0 || !waiting) done.add(item.doc.data.event_id);
          if (attempted > 0) progress = true;
        }),
      );
    }
    if (!progress) break;
  }
  const cutoff = iso(deps.clock.now().getTime() - RETENTION_DAYS * 86_400_000);
  report.pruned = await deps.outbox.pruneFinished(cutoff, 100);
  return report;
}
