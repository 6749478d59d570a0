import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EgressHttpClient } from '../adapters/outbound/egress-http-client.js';
import { parseAllowList } from '../adapters/outbound/egress-policy.js';
import { SesSuppressionList } from '../adapters/outbound/ses-suppression-list.js';
import { standardWebhooksSigner } from '../adapters/outbound/standard-webhooks-signer.js';
import { type DispatcherDeps, type DispatchReport, dispatchDue } from '../core/outbound/dispatcher.js';
import type { HttpClient, SuppressionList } from '../core/outbound/ports.js';
import { awsDeps, type Deps } from './deps.js';
import { logger } from './logger.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './scan-metrics.js';

/** The dead-letter metric the dispatcher's alarm watches. */
export const DEAD_LETTER_METRIC = 'OutboundDeadLetters';

export interface DispatcherParts {
  http: HttpClient;
  suppression: SuppressionList;
  onDeadLetter?: DispatcherDeps['onDeadLetter'];
}

/** The dispatcher's dependencies from the service's own and the sinks' transports. */
export function dispatcherDeps(deps: Deps, parts: DispatcherParts): DispatcherDeps {
  if (!deps.outbound) throw new Error('the dispatcher needs an outbox');
  return {
    outbox: deps.outbound.outbox,
    settings: deps.settings,
    clock: deps.record.clock,
    http: parts.http,
    signer: standardWebhooksSigner,
    suppression: parts.suppression,
    ...(parts.onDeadLetter ? { onDeadLetter: parts.onDeadLetter } : {}),
  };
}

/** One run: invoked after a write (wake) and every minute by EventBridge (retries, pruning). */
export function createOutboundDispatcher(deps: DispatcherDeps, log: Pick<typeof logger, 'info'> = logger) {
  return async (): Promise<DispatchReport> => {
    const report = await dispatchDue(deps);
    if (report.attempted > 0 || report.pruned > 0) log.info('outbound dispatched', { report });
    return report;
  };
}

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
let run: (() => Promise<DispatchReport>) | undefined;

export async function handler(): Promise<DispatchReport> {
  run ??= createOutboundDispatcher(
    dispatcherDeps(awsDeps(), {
      http: new EgressHttpClient({
        allowLoopbackHttp: false,
        allow: parseAllowList(process.env.OUTBOUND_ALLOW_PRIVATE),
      }),
      suppression: new SesSuppressionList(new SESv2Client({})),
      onDeadLetter: (item, sink) => {
        logger.warn('outbound delivery dead-lettered', { event_id: item.doc.data.event_id, sink });
        metrics.addMetric(DEAD_LETTER_METRIC, MetricUnit.Count, 1);
      },
    }),
  );
  try {
    return await run();
  } finally {
    metrics.publishStoredMetrics();
  }
}
