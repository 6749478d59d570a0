import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { scanTimes } from '../../lambdas/core/mailbox/scan-times.js';
import { GATEWAY_LIMIT_MS, ROUTE_SCAN_MARGINS } from '../../lambdas/handlers/api/scan-route.js';
import { SCANNER_MARGINS } from '../../lambdas/handlers/mailbox-scanner.js';
import { BounceStack } from '../../lib/bounce-stack.js';
import { logicalId, resourcesOf, TEST_ENV, testApp } from './cdk-test-app.js';

/** The scans' time budgets against the timeouts the stack gives their functions, read from the template. */
describe('scan time budgets fit the functions that run them', () => {
  const stack = new BounceStack(testApp(), 'Stack', { env: TEST_ENV });
  const template = Template.fromStack(stack);
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const timeoutMs = (fn: Parameters<typeof logicalId>[0]) =>
    Number(functions[logicalId(fn)]?.Properties.Timeout) * 1000;
  const start = new Date('2026-11-29T10:00:00Z');

  it('the manual scan (API function) ends its mail I/O and answers inside the function timeout and the gateway limit', () => {
    const api = stack.functions.api?.fn;
    if (!api) throw new Error('no API function');
    const timeout = timeoutMs(api);
    expect(timeout).toBeGreaterThan(0);
    // A warm invocation has about the whole timeout left; the route also caps it at the gateway's 29 s.
    const left = Math.min(timeout, GATEWAY_LIMIT_MS);
    const times = scanTimes(start, left, ROUTE_SCAN_MARGINS);
    expect(times.finishBy.getTime() + ROUTE_SCAN_MARGINS.finishMs).toBeLessThanOrEqual(
      start.getTime() + timeout,
    );
    expect(times.finishBy.getTime()).toBeLessThan(start.getTime() + GATEWAY_LIMIT_MS);
    // ...and still leaves time to fetch something.
    expect(times.deadline.getTime() - start.getTime()).toBeGreaterThanOrEqual(1_000);
  });

  it('the scheduled scanner ends inside its timeout, with most of it for fetching', () => {
    const timeout = timeoutMs(stack.scanner.function.fn);
    const times = scanTimes(start, timeout, SCANNER_MARGINS);
    expect(times.finishBy.getTime() + SCANNER_MARGINS.finishMs).toBeLessThanOrEqual(
      start.getTime() + timeout,
    );
    expect(times.deadline.getTime() - start.getTime()).toBeGreaterThanOrEqual(timeout / 2);
    // The lease outlives the invocation never: a dead scan's mailbox is free for the next run.
    expect(times.leaseMs).toBeLessThanOrEqual(timeout);
  });
});
