import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../lambdas/handlers/routes.js';
import { BounceFunction } from './function-construct.js';

export interface MailboxScannerProps {
  readonly environment: Record<string, string>;
  readonly logRetention?: RetentionDays;
  /** @default 5 minutes: a scan stops fetching 20 s before it, so a slow server never overlaps runs */
  readonly timeout?: Duration;
}

/**
 * How long a scheduled scan may wait to start. EventBridge invokes the function asynchronously:
 * Lambda queues the event and, by default, retries a failed or throttled one for up to six hours.
 * A scan that starts late is worth nothing (the next minute's event scans the same mailboxes), and a
 * queue of stale ones would crowd out the fresh one, so an event older than a minute is dropped and
 * a failed scan is not retried: both the rule's target and the function's own asynchronous queue say so.
 */
export const SCAN_EVENT_MAX_AGE = Duration.seconds(60);

/**
 * The POP3 bounce-mailbox scanner: an EventBridge rule every minute invokes it, and each mailbox is
 * scanned when its own `scan_interval` has passed. A lease per mailbox in the table (held until the
 * function's timeout) keeps two scans of one mailbox from overlapping, so the function needs no
 * reserved concurrency: Lambda keeps 100 of an account's concurrency unreserved, so an account whose
 * limit is 10 refuses reserving even 1; and a slow mailbox no longer holds up the others' next run.
 */
export class MailboxScanner extends Construct {
  public readonly function: BounceFunction;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: MailboxScannerProps) {
    super(scope, id);
    this.function = new BounceFunction(this, 'Function', {
      entry: FUNCTIONS.mailboxScanner.entry,
      description: FUNCTIONS.mailboxScanner.description,
      environment: props.environment,
      timeout: props.timeout ?? Duration.minutes(5),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.function.fn.configureAsyncInvoke({ maxEventAge: SCAN_EVENT_MAX_AGE, retryAttempts: 0 });
    this.rule = new Rule(this, 'EveryMinute', {
      description: 'stmails bounce mailbox scan',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0, maxEventAge: SCAN_EVENT_MAX_AGE })],
    });
  }
}
