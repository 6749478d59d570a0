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

async function dispatchItem(deps: DispatcherDeps, item: OutboxItem, report: DispatchReport): Promise<void> {
  const nowMs = deps.clock.now().getTime();
  const now = iso(nowMs);
  if (!(await deps.outbox.claim(item, now, iso(nowMs + LEASE_MS)))) return;
  const { outbound } = await deps.settings.get();
  const blocked = await blockedSinks(deps, item);
  let changed = false;
  for (const [sink, state] of Object.entries(item.deliveries)) {
    if (state.status !== 'pending' || (state.next_attempt_at ?? '') > now || blocked.has(sink)) continue;
    const outcome = await deliverTo(deps, outbound, sink as DeliverySink, item.doc);
    const next = afterAttempt(state, outcome, deps.clock.now().getTime());
    item.deliveries[sink] = next;
    changed = true;
    report.attempted++;
    if (next.status === 'delivered') report.delivered++;
    else if (next.status === 'failed') {
      report.failed++;
      deps.onDeadLetter?.(item, sink, next);
    } else report.retried++;
  }
  const states = Object.values(item.deliveries);
  if (states.every((s) => s.status === 'delivered')) item.doc = redactDeleted(item.doc);
  // Saving also releases the lease, so an item that only waited is looked at again next time.
  await deps.outbox.save(item);
  if (!changed) return;
}

/**
 * One dispatcher run, the same locally and in AWS: delivers what is due (soonest first, each
 * subscriber's events in order), retries with backoff, dead-letters after the last attempt, and
 * prunes events finished more than 30 days ago (no TTL on dynalite).
 */
export async function dispatchDue(deps: DispatcherDeps, maxItems = 200): Promise<DispatchReport> {
  const report: DispatchReport = { attempted: 0, delivered: 0, retried: 0, failed: 0, pruned: 0 };
  const seen = new Set<string>();
  while (seen.size < maxItems) {
    const now = deps.clock.now().toISOString();
    const due = (await deps.outbox.due(now, BATCH)).filter((i) => !seen.has(i.doc.data.event_id));
    if (due.length === 0) break;
    for (const item of due) {
      seen.add(item.doc.data.event_id);
      await dispatchItem(deps, item, report);
    }
  }
  const cutoff = iso(deps.clock.now().getTime() - RETENTION_DAYS * 86_400_000);
  report.pruned = await deps.outbox.pruneFinished(cutoff, 100);
  return report;
}
