import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
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
 * The POP3 bounce-mailbox scanner: an EventBridge rule every minute invokes it, and each mailbox is
 * scanned when its own `scan_interval` has passed. Reserved concurrency 1 (plus a lease per mailbox
 * in the table) keeps two scans from ever overlapping.
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
    (this.function.fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1;
    this.rule = new Rule(this, 'EveryMinute', {
      description: 'stmails bounce mailbox scan',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }
}
