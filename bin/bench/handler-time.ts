import { Logger } from '@aws-lambda-powertools/logger';
import { createMemoryStores } from '../../lambdas/adapters/memory/memory-stores.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import { httpFunction } from '../../lambdas/handlers/http/http-function.js';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http/types.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { lambdaContext } from '../local/to-event.js';
import { webhookBody, webhookEvent } from './events.js';
import { silenceHandlerLogs } from './silence.js';
import { formatCount, formatMs, summarise, table } from './stats.js';
import { type TimedRequests, timeRequests } from './timed-requests.js';

const WARMUP = 2_000;
const EVENTS = 20_000;
const ADDRESSES = 1_000;
const TARGET_P50_MS = 1;

type Invoke = (event: HttpEvent) => Promise<HttpResult>;

/** A fresh handler over fresh memory stores, with the local service's settings (default actions). */
function build(wrapped: boolean): Invoke {
  const stores = createMemoryStores();
  const settings = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
  const handler = createWebhookBounceHandler({
    record: {
      subscribers: stores.subscribers,
      bounces: stores.bounces,
      events: { publish: async () => undefined },
      clock: systemClock,
      ids: ulidIds(),
    },
    settings: { get: async () => settings },
    authMode: 'basic',
  });
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  if (!wrapped) return (event) => handler(event).catch((error) => errorResponse(error, logger));
  const fn = httpFunction(handler, logger);
  const context = lambdaContext('stmails-webhook');
  return (event) => fn(event, context);
}

interface Run extends TimedRequests {
  label: string;
}

async function run(label: string, wrapped: boolean): Promise<Run> {
  const invoke = build(wrapped);
  // Bodies are built beforehand so the timing holds the handler only; the warm-up uses other addresses.
  const warm = Array.from({ length: WARMUP }, (_, i) => webhookEvent(webhookBody(i, ADDRESSES, 'warm')));
  const events = Array.from({ length: EVENTS }, (_, i) => webhookEvent(webhookBody(i, ADDRESSES, 'run')));
  return { label, ...(await timeRequests(invoke, warm, events)) };
}

export async function benchHandlerTime(): Promise<string[]> {
  silenceHandlerLogs();
  console.log(
    `  ${formatCount(EVENTS)} generic webhook events after ${formatCount(WARMUP)} warm-up, one at a time,` +
      ` ${formatCount(ADDRESSES)} addresses, 1 in 3 hard (blocklist), 1 in 2 with event_id; memory stores`,
  );
  const runs = [await run('bare handler', false), await run('middy-wrapped (as deployed)', true)];
  const rows = runs.map((r) => {
    const s = summarise(r.samples);
    return [
      r.label,
      formatMs(s.p50),
      formatMs(s.p90),
      formatMs(s.p99),
      formatMs(s.max),
      formatCount((EVENTS / r.wallMs) * 1000),
    ];
  });
  for (const line of table([['', 'p50', 'p90', 'p99', 'max', 'events/s'], ...rows])) console.log(`  ${line}`);
  for (const r of runs) {
    for (const [failure, n] of r.failures) console.log(`  !! ${r.label}: ${n} x ${failure}`);
  }
  return runs.map((r) => {
    const s = summarise(r.samples);
    const verdict = s.p50 <= TARGET_P50_MS ? 'within' : 'OVER';
    const failed = [...r.failures.values()].reduce((a, b) => a + b, 0);
    return (
      `${r.label} p50 ${formatMs(s.p50)}, p99 ${formatMs(s.p99)}, ` +
      `${formatCount((EVENTS / r.wallMs) * 1000)} events/s (${verdict} target p50 <= ${TARGET_P50_MS} ms)` +
      (failed ? `; ${failed} non-200 responses` : '')
    );
  });
}
