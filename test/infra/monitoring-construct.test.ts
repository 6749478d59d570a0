import { Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import { SCAN_METRICS } from '../../lambdas/handlers/scan-metrics.js';
import { Monitoring, type MonitoringProps } from '../../lib/monitoring-construct.js';
import { BounceTable } from '../../lib/table-construct.js';
import { bareStack, logicalId, resourcesOf, stubFunction } from './cdk-test-app.js';

function build(options: Pick<MonitoringProps, 'alarmEmail'> = {}) {
  const stack = bareStack();
  const api = new RestApi(stack, 'Api', { cloudWatchRole: false });
  api.root.addMethod('GET');
  const webhook = stubFunction(stack, 'Webhook');
  const authorizer = stubFunction(stack, 'Authorizer');
  const table = new BounceTable(stack, 'Storage').table;
  const unit = new Monitoring(stack, 'Monitoring', {
    api,
    functions: { webhook },
    authorizer,
    table,
    ...options,
  });
  const ids = { webhook: logicalId(webhook), authorizer: logicalId(authorizer) };
  return { unit, template: Template.fromStack(stack), ids };
}

/** Every metric a scan publishes that an operator must hear about. */
const SCAN_ALARM_METRICS = [
  SCAN_METRICS.failures.login,
  SCAN_METRICS.failures.connection,
  SCAN_METRICS.failures.protocol,
  SCAN_METRICS.failures.internal,
  SCAN_METRICS.stuck,
];

/** Grouped by mailbox: each mailbox is its own contributor to the alarm. */
const perMailboxQuery = (metric: string) =>
  `query: SELECT SUM(${metric}) FROM SCHEMA("stmails", mailbox, service) GROUP BY mailbox`;

type AlarmProps = {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Expression?: string;
    Period?: number;
    MetricStat?: { Metric: { MetricName: string; Namespace: string } };
  }[];
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  Threshold: number;
};

function alarms(template: Template): AlarmProps[] {
  return Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as AlarmProps,
  );
}

/**
 * `Namespace MetricName dimension-ref` for plain alarms, `math: namespace metrics` for expressions,
 * `query: the query` for Metrics Insights.
 */
function describeAlarm(alarm: AlarmProps): string {
  const query = alarm.Metrics?.find((m) => m.Expression?.startsWith('SELECT'))?.Expression;
  if (query) return `query: ${query}`;
  if (alarm.Metrics) {
    const stats = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    return `math ${[...new Set(stats.map((m) => `${m.Namespace} ${m.MetricName}`))].join(',')}`;
  }
  const dimension = alarm.Dimensions?.map((d) => JSON.stringify(d.Value)).join(',');
  return `${alarm.Namespace} ${alarm.MetricName} ${dimension}`;
}

describe('Monitoring', () => {
  it('alarms on API 5xx, function errors and throttles, authorizer throttles and table throttles', () => {
    const { template, ids } = build();
    const fn = (id: string) => JSON.stringify({ Ref: id });
    const described = alarms(template).map(describeAlarm);
    expect(described.sort()).toEqual(
      [
        'AWS/ApiGateway 5XXError "Api"',
        `AWS/Lambda Errors ${fn(ids.webhook)}`,
        `AWS/Lambda Throttles ${fn(ids.webhook)}`,
        // Only throttles: every bad credential makes the authorizer throw, which is no incident.
        `AWS/Lambda Throttles ${fn(ids.authorizer)}`,
        'math AWS/DynamoDB ThrottledRequests',
        ...SCAN_ALARM_METRICS.map(perMailboxQuery),
      ].sort(),
    );
    for (const alarm of alarms(template)) expect(alarm.Threshold).toBe(1);
  });

  it('alarms per bounce mailbox on each kind of scan failure and on stuck messages, from the metrics the scan publishes', () => {
    const { template } = build();
    const queries = alarms(template).flatMap((a) => (a.Metrics ?? []).filter((m) => m.Expression));
    for (const metric of SCAN_ALARM_METRICS) {
      const query = queries.find((q) => q.Expression === perMailboxQuery(metric).slice('query: '.length));
      expect(query, metric).toBeDefined();
      // Metrics Insights alarms need the period on the query itself.
      expect(query?.Period).toBe(300);
    }
  });

  it('without an e-mail has no topic and alarms without actions', () => {
    const { template } = build();
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of alarms(template)) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('with an e-mail sends alarm and OK notifications to a topic it subscribes the address to', () => {
    const { template, unit } = build({ alarmEmail: 'ops@example.com' });
    if (!unit.alarmTopic) throw new Error('no topic');
    const topic = { Ref: logicalId(unit.alarmTopic) };
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topic,
    });
    for (const alarm of alarms(template)) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
  });

  it('lets CloudWatch alarms of this account, and nobody else, publish to its topic (over TLS only)', () => {
    const { template, unit } = build({ alarmEmail: 'ops@example.com' });
    if (!unit.alarmTopic) throw new Error('no topic');
    const [policy] = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'));
    if (!policy) throw new Error('no topic policy');
    const statements = (
      policy.Properties.PolicyDocument as {
        Statement: { Effect: string; Principal: unknown; Action: unknown; Condition: unknown }[];
      }
    ).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: logicalId(unit.alarmTopic) },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
        },
      }),
    ]);
    expect(
      statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('SecureTransport')),
    ).toBe(true);
  });

  it('sums table throttles with FILL(…, 0), so one throttled operation alone still alarms', () => {
    const { template } = build();
    const math = alarms(template).find((a) =>
      a.Metrics?.some((m) => String(m.Expression ?? '').includes('FILL(')),
    );
    const expression = math?.Metrics?.find((m) => m.Expression)?.Expression as string;
    const ids = (math?.Metrics ?? []).flatMap((m) => (m.MetricStat ? [(m as { Id: string }).Id] : []));
    expect(ids.length).toBeGreaterThan(1);
    expect(expression.split(' + ').sort()).toEqual(ids.map((id) => `FILL(${id}, 0)`).sort());
  });
});
