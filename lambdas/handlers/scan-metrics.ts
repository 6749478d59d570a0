import type { ScanFailure, ScanReport } from '../core/mailbox/scan-report.js';

/** The CloudWatch namespace of the service's own metrics (Powertools EMF); the alarms read it too. */
export const METRICS_NAMESPACE = 'stmails';
export const METRICS_SERVICE = 'stmails-bounce';

/** The metrics of one mailbox scan, each with the dimensions `service` and `mailbox` (its uuid). */
export const SCAN_METRICS = {
  /** Messages that became stuck in this scan (3 failed attempts, skipped from now on). */
  stuck: 'StuckMessages',
  /** 1 when the scan ended with a failure of that kind, else 0. */
  failures: {
    login: 'MailboxLoginFailures',
    connection: 'MailboxConnectionFailures',
    protocol: 'MailboxProtocolFailures',
    internal: 'MailboxScanErrors',
  } satisfies Record<ScanFailure, string>,
  recorded: 'BouncesRecorded',
  deferred: 'Deferrals',
  deletionsUncertain: 'DeletionsUncertain',
} as const;

/** What of Powertools' Metrics this needs. */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: 'Count', value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Publishes one scan's metrics (one EMF line) under its mailbox; a scan that did not run publishes none. */
export function publishScanMetrics(metrics: MetricsSink, report: ScanReport): void {
  if (report.locked) return;
  metrics.addDimension('mailbox', report.mailbox);
  metrics.addMetric(SCAN_METRICS.stuck, 'Count', report.stuck);
  for (const [kind, name] of Object.entries(SCAN_METRICS.failures)) {
    metrics.addMetric(name, 'Count', report.failure === kind ? 1 : 0);
  }
  metrics.addMetric(SCAN_METRICS.recorded, 'Count', report.recorded + report.complaints);
  metrics.addMetric(SCAN_METRICS.deferred, 'Count', report.deferred);
  metrics.addMetric(SCAN_METRICS.deletionsUncertain, 'Count', report.deletions_uncertain);
  metrics.publishStoredMetrics();
}
