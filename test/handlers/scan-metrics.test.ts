import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyReport, type ScanReport } from '../../lambdas/core/mailbox/scan-report.js';
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  publishScanMetrics,
  SCAN_METRICS,
} from '../../lambdas/handlers/scan-metrics.js';

const MAILBOX = '5e1f0000-0000-4000-8000-000000000001';

/** The EMF lines a real Powertools Metrics writes to stdout (where Lambda hands them to CloudWatch). */
function emfOf(report: ScanReport): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    publishScanMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE }), report);
  } finally {
    write.mockRestore();
  }
  return lines.map((line) => JSON.parse(line));
}

describe('scan metrics (EMF)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('publishes one line per scan with the dimensions service and mailbox, in the stmails namespace', () => {
    const [emf, ...more] = emfOf({ ...emptyReport(MAILBOX), stuck: 2 });
    expect(more).toEqual([]);
    const aws = (emf as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } })
      ._aws;
    expect(aws.CloudWatchMetrics[0]?.Namespace).toBe('stmails');
    expect(aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'mailbox']]);
    expect(emf).toMatchObject({ service: 'stmails-bounce', mailbox: MAILBOX, [SCAN_METRICS.stuck]: 2 });
  });

  it.each([
    ['login', SCAN_METRICS.failures.login],
    ['connection', SCAN_METRICS.failures.connection],
    ['protocol', SCAN_METRICS.failures.protocol],
    ['internal', SCAN_METRICS.failures.internal],
  ] as const)('a %s failure counts 1 in %s and 0 in the other failure metrics', (failure, metric) => {
    const [emf] = emfOf({ ...emptyReport(MAILBOX), error: 'x', failure });
    for (const name of Object.values(SCAN_METRICS.failures)) {
      expect((emf as Record<string, unknown>)[name], name).toBe(name === metric ? 1 : 0);
    }
  });

  it('publishes nothing for a scan that did not run (another held the lease)', () => {
    expect(emfOf({ ...emptyReport(MAILBOX), locked: true })).toEqual([]);
  });
});
