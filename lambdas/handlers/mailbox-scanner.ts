import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { RecordDeps } from '../core/bounces/record-bounce.js';
import { runDueScans } from '../core/mailbox/run-scans.js';
import type { ScanReport } from '../core/mailbox/scan-report.js';
import { type ScanMargins, scanTimes } from '../core/mailbox/scan-times.js';
import type { SettingsSource } from '../core/ports.js';
import { awsDeps } from './deps.js';
import { logger } from './logger.js';
import { awsMailboxDeps, type MailboxDeps } from './mailbox-deps.js';
import { METRICS_NAMESPACE, METRICS_SERVICE, publishScanMetrics } from './scan-metrics.js';

/**
 * Time kept back from the scheduled scanner's timeout (20 s in all): fetching stops 15 s before the
 * mail I/O must end (the message in flight at a read timeout of 15 s, DELEs and QUIT), which ends 5 s
 * before the function's time does (state writes, the lease release).
 */
export const SCANNER_MARGINS: ScanMargins = { windDownMs: 15_000, finishMs: 5_000 };

export interface ScannerDeps {
  record: RecordDeps;
  settings: SettingsSource;
  mailboxes: MailboxDeps;
  log?: { info(message: string, extra: Record<string, unknown>): void };
  /** Called with each report, e.g. to publish the stuck-message metric. */
  onReport?: (report: ScanReport) => void;
}

/**
 * The scheduled scan (EventBridge, every minute): every enabled mailbox whose `scan_interval` has
 * passed, stopping in time before the function's own timeout.
 */
export function createMailboxScanner(deps: ScannerDeps) {
  return async (_event: unknown, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) => {
    const times = scanTimes(deps.record.clock.now(), context.getRemainingTimeInMillis(), SCANNER_MARGINS);
    const settings = await deps.settings.get();
    const reports = await runDueScans({ record: deps.record, ...deps.mailboxes }, settings, {
      owner: context.awsRequestId,
      ...times,
    });
    for (const report of reports) {
      (deps.log ?? logger).info('mailbox scanned', { report });
      deps.onReport?.(report);
    }
    return { reports };
  };
}

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
let scan: ReturnType<typeof createMailboxScanner> | undefined;

export async function handler(event: unknown, context: Context) {
  scan ??= createMailboxScanner({
    ...awsDeps(),
    mailboxes: awsMailboxDeps(),
    onReport: (report) => publishScanMetrics(metrics, report),
  });
  return scan(event, context);
}
