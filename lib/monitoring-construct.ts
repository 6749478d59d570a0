import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Operation, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SCAN_METRICS } from '../lambdas/handlers/scan-metrics.js';
import { TABLE_DATA_ACTIONS } from './table-construct.js';

export interface MonitoringProps {
  readonly api: RestApi;
  /** Route functions, by name: alarms on errors and throttles. */
  readonly functions: Record<string, IFunction>;
  /**
   * The REQUEST authorizer: alarms on throttles only. It fails every bad credential by throwing
   * (that is how API Gateway answers 401), so its error count measures callers' typos; its real
   * failures surface as the API's 5xx.
   */
  readonly authorizer?: IFunction;
  readonly table: TableV2;
  /** Creates a topic (unless `alarmTopic` is given) and subscribes this address to it. */
  readonly alarmEmail?: string;
  /** Sends alarm and OK notifications here. */
  readonly alarmTopic?: ITopic;
}

const PERIOD = Duration.minutes(5);

/**
 * A scan metric summed per mailbox (a Metrics Insights query grouped by the `mailbox` dimension): one
 * alarm covers every mailbox in the settings, however many come and go, and each mailbox is its own
 * contributor, so the notification names the mailbox that fails.
 */
export function perMailbox(metricName: string): IMetric {
  return new MathExpression({
    expression: `SELECT SUM(${metricName}) FROM SCHEMA("${METRICS_NAMESPACE}", mailbox, service) GROUP BY mailbox`,
    label: `${metricName} per mailbox`,
    period: PERIOD,
  });
}

/** The mailbox scan alarms: alarm id, what it means, metric. */
const SCAN_ALARMS: [string, string, string][] = [
  ['MailboxLoginFailures', 'a bounce mailbox refused the login', SCAN_METRICS.failures.login],
  [
    'MailboxConnectionFailures',
    'a bounce mailbox could not be reached, or its connection failed or stalled',
    SCAN_METRICS.failures.connection,
  ],
  [
    'MailboxProtocolFailures',
    'a bounce mailbox server broke POP3 or refused a command',
    SCAN_METRICS.failures.protocol,
  ],
  ['MailboxScanErrors', 'a bounce mailbox scan failed on our side (storage)', SCAN_METRICS.failures.internal],
  ['StuckMessages', 'a bounce mailbox message failed 3 times and is skipped (stuck)', SCAN_METRICS.stuck],
];

/** Each operation the functions send has its own throttle metric. */
const TABLE_OPERATIONS = TABLE_DATA_ACTIONS.map((action) => action.replace('dynamodb:', '') as Operation);

/**
 * Throttled requests summed over the operations the functions send. Each operation's metric has data
 * only in periods when that operation was throttled, and metric math adds series only where all of
 * them have a point, so a plain sum would stay empty when PutItem alone was throttled: FILL(…, 0)
 * gives every series a point in every period.
 */
function throttledRequests(table: TableV2): MathExpression {
  const usingMetrics = Object.fromEntries(
    TABLE_OPERATIONS.map((operation) => [
      operation.toLowerCase(),
      table.metricThrottledRequestsForOperation(operation, { period: PERIOD }),
    ]),
  );
  return new MathExpression({
    expression: Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics,
    label: 'DynamoDB throttled requests, all operations',
    period: PERIOD,
  });
}

/**
 * Alarms on what loses or delays bounces: API 5xx, Lambda errors and throttles, DynamoDB throttles,
 * and per bounce mailbox: scan failures by kind and stuck messages (a scan catches its failures and
 * reports them, so the function's own error count never sees them).
 * Any single occurrence in five minutes alarms: providers retry, but a fault that repeats means
 * bounces wait, and this service is quiet enough that one is worth a look.
 */
export class Monitoring extends Construct {
  public readonly alarmTopic?: ITopic;
  public readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? (props.alarmEmail ? this.createTopic() : undefined);
    if (props.alarmEmail && this.alarmTopic) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    this.alarm(
      'Api5xx',
      'API answered 5xx',
      props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      const id = name.charAt(0).toUpperCase() + name.slice(1);
      this.alarm(`${id}Errors`, `function ${name} failed`, fn.metricErrors({ period: PERIOD }));
      this.alarm(`${id}Throttles`, `function ${name} was throttled`, fn.metricThrottles({ period: PERIOD }));
    }
    if (props.authorizer) {
      this.alarm(
        'AuthorizerThrottles',
        'authorizer was throttled',
        props.authorizer.metricThrottles({ period: PERIOD }),
      );
    }
    for (const [alarmId, what, metric] of SCAN_ALARMS) this.alarm(alarmId, what, perMailbox(metric));
    this.alarm('TableThrottles', 'DynamoDB throttled requests', throttledRequests(props.table));
  }

  private createTopic(): Topic {
    // Not encrypted: CloudWatch cannot publish to a topic under the AWS managed SNS key, and a customer
    // managed key would cost more than the topic for messages that carry alarm names, states and
    // resource names, no bounce data.
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'stmails bounce alarms', enforceSSL: true });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one (that let the
    // account's principals publish): without this grant CloudWatch could not deliver a single alarm.
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return topic;
  }

  /** Alarms when the metric's sum is 1 or more in a period. */
  public alarmOn(id: string, what: string, metric: IMetric): void {
    this.alarm(id, what, metric);
  }

  private alarm(id: string, what: string, metric: IMetric): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: `stmails bounce: ${what} (at least once in 5 minutes)`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmTopic) {
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
      alarm.addOkAction(new SnsAction(this.alarmTopic));
    }
    this.alarms.push(alarm);
  }
}
