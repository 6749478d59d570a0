import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type ISecurityGroup, type IVpc, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEAD_LETTER_METRIC } from '../lambdas/handlers/outbound-dispatcher.js';
import { FUNCTIONS } from '../lambdas/handlers/routes.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../lambdas/handlers/scan-metrics.js';
import { BounceFunction } from './function-construct.js';

/** A stmails reachable only inside a private network (DESIGN §10): the one way to relax egress. */
export interface OutboundNetwork {
  readonly vpc: IVpc;
  /** Hosts or CIDRs that may resolve to private addresses (e.g. `stmails.internal`, `10.20.0.0/16`). */
  readonly allowPrivate: readonly string[];
  /** @default private subnets with egress */
  readonly subnetType?: SubnetType;
}

export interface OutboundDispatcherProps {
  readonly environment: Record<string, string>;
  readonly logRetention?: RetentionDays;
  readonly network?: OutboundNetwork;
}

/** SES v2 account-level suppression list actions; IAM has no resource type for them, hence `*`. */
export const SUPPRESSION_ACTIONS = [
  'ses:PutSuppressedDestination',
  'ses:DeleteSuppressedDestination',
] as const;

/**
 * The outbound dispatcher: invoked right after an event is written and every minute by EventBridge
 * (retries, so backoff delays are minimums, and pruning), with an alarm on dead letters.
 */
export class OutboundDispatcher extends Construct {
  public readonly function: BounceFunction;
  public readonly rule: Rule;
  public readonly deadLetterAlarm: Alarm;
  public readonly securityGroup?: ISecurityGroup;

  constructor(scope: Construct, id: string, props: OutboundDispatcherProps) {
    super(scope, id);
    const network = props.network;
    if (network) {
      this.securityGroup = new SecurityGroup(this, 'Egress', {
        vpc: network.vpc,
        description: 'stmails outbound dispatcher: egress to sinks only',
        allowAllOutbound: true,
      });
    }
    this.function = new BounceFunction(this, 'Function', {
      entry: FUNCTIONS.outboundDispatcher.entry,
      description: FUNCTIONS.outboundDispatcher.description,
      environment: {
        ...props.environment,
        ...(network ? { OUTBOUND_ALLOW_PRIVATE: network.allowPrivate.join(',') } : {}),
      },
      // Up to 200 events a run, each sink call bounded at 10 s; a lease per event stops overlaps.
      timeout: Duration.minutes(5),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(network && this.securityGroup
        ? {
            vpc: network.vpc,
            vpcSubnets: { subnetType: network.subnetType ?? SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [this.securityGroup],
          }
        : {}),
    });
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...SUPPRESSION_ACTIONS], resources: ['*'] }),
    );
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:PutSuppressedDestination and ses:DeleteSuppressedDestination act on the account-level ' +
        'suppression list and support no resource-level permissions; no other action is granted on *.',
    });
    this.rule = new Rule(this, 'EveryMinute', {
      description: 'stmails outbound delivery sweep (retries, pruning)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
    this.deadLetterAlarm = new Alarm(this, 'DeadLetters', {
      alarmDescription:
        'stmails bounce: an outbound delivery was dead-lettered (list with GET /api/outbound/deliveries?status=failed)',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: DEAD_LETTER_METRIC,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets a function start the dispatcher (this function only: no `:*` qualifier wildcard). */
  grantWake(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.fn.functionArn] }),
    );
  }
}
