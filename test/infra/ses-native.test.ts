import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/bounce-app.js';
import type { BounceStack } from '../../lib/bounce-stack.js';
import { logicalId, resourcesOf, testApp } from './cdk-test-app.js';

function synth(context: Record<string, unknown>) {
  const app = testApp(context);
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

function ref(construct: Parameters<typeof logicalId>[0]) {
  return { Ref: logicalId(construct) };
}

function arnOf(construct: Parameters<typeof logicalId>[0]) {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

/** The deploy-time defaults the functions get, with the topic's Ref in place of its ARN. */
function defaultsOf(template: Template): Record<string, unknown> {
  const [fn] = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
    (f) => (f.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables?.DEFAULT_SETTINGS,
  );
  if (!fn) throw new Error('no function with DEFAULT_SETTINGS');
  const value = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
    .DEFAULT_SETTINGS as { 'Fn::Join': [string, unknown[]] };
  return JSON.parse(value['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOPIC')).join(''));
}

/** What every SES feedback function has: Lambda's retries, then its dead-letter queue, and an alarm on it. */
function expectDeadLettered(template: Template, stack: BounceStack, path: 'sesSnsLambda' | 'sesEventBridge') {
  const ingestion = stack[path];
  if (!ingestion) throw new Error(`no ${path}`);
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: ref(ingestion.function.fn),
    MaximumRetryAttempts: 2,
    MaximumEventAgeInSeconds: 6 * 3600,
    DestinationConfig: { OnFailure: { Destination: arnOf(ingestion.deadLetterQueue) } },
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    MessageRetentionPeriod: 14 * 24 * 3600,
    SqsManagedSseEnabled: true,
  });
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((a) =>
    JSON.stringify(a.Properties.Dimensions ?? []).includes(logicalId(ingestion.deadLetterQueue)),
  );
  expect(alarms).toHaveLength(1);
  expect(alarms[0]?.Properties).toMatchObject({
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
  // The function may record bounces like the webhooks: the table is among its grants.
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes(logicalId(ingestion.function.role)),
  );
  expect(JSON.stringify(policies)).toContain('dynamodb:PutItem');
}

describe('SES ingestion option sns-lambda (context sesIngestion)', () => {
  const { app, stack, template } = synth({ sesIdentities: 'example.com', sesIngestion: 'sns-lambda' });

  it('subscribes a function to the SES topic instead of the HTTPS webhook, with a dead-letter queue', () => {
    const ingestion = stack.sesSnsLambda;
    if (!ingestion || !stack.ses) throw new Error('no SNS Lambda ingestion');
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'));
    expect(subscriptions.map((s) => s.Properties.Protocol)).toEqual(['lambda']);
    expect(subscriptions[0]?.Properties).toEqual({
      Protocol: 'lambda',
      TopicArn: ref(stack.ses.topic),
      Endpoint: arnOf(ingestion.function.fn),
      RedrivePolicy: { deadLetterTargetArn: arnOf(ingestion.deadLetterQueue) },
    });
  });

  it("lets SNS invoke the function only for the SES topic (the permission's SourceArn)", () => {
    const ingestion = stack.sesSnsLambda;
    if (!ingestion || !stack.ses) throw new Error('no SNS Lambda ingestion');
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(arnOf(ingestion.function.fn)),
    );
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(ingestion.function.fn),
        Principal: 'sns.amazonaws.com',
        SourceArn: ref(stack.ses.topic),
      },
    ]);
  });

  it('lets only the topic send to the dead-letter queue, over TLS', () => {
    const ingestion = stack.sesSnsLambda;
    if (!ingestion || !stack.ses) throw new Error('no SNS Lambda ingestion');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(ingestion.deadLetterQueue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': ref(stack.ses.topic) } },
          }),
        ]),
      },
    });
  });

  it("retries the function's failures, then keeps them in the dead-letter queue, with an alarm", () => {
    expectDeadLettered(template, stack, 'sesSnsLambda');
  });

  it('turns SES on in the defaults with the topic, leaving webhooks as they are', () => {
    expect(defaultsOf(template)).toEqual({ enabled: true, ses: { enabled: true, topic_arns: ['TOPIC'] } });
  });

  it('creates no EventBridge path', () => {
    expect(stack.sesEventBridge).toBeUndefined();
    template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 0);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('SES ingestion option eventbridge (context sesIngestion)', () => {
  const { app, stack, template } = synth({
    sesIdentities: 'example.com',
    sesConfigurationSet: 'newsletters',
    sesIngestion: 'eventbridge',
  });

  it("points the configuration set's bounce and complaint events at the default bus, not at the topic", () => {
    const destinations = Object.values(resourcesOf(template, 'AWS::SES::ConfigurationSetEventDestination'));
    expect(destinations.map((d) => d.Properties)).toEqual([
      {
        ConfigurationSetName: 'newsletters',
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: ['bounce', 'complaint'],
          EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' },
        },
      },
    ]);
  });

  it("matches SES's own bounce and complaint events of that configuration set only", () => {
    const ingestion = stack.sesEventBridge;
    if (!ingestion) throw new Error('no EventBridge ingestion');
    const rule = resourcesOf(template, 'AWS::Events::Rule')[logicalId(ingestion.rule)];
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': ['newsletters'] } } },
    });
    expect(rule?.Properties.EventBusName).toBeUndefined(); // the default bus
  });

  it('targets the function with the longest retry policy and a dead-letter queue', () => {
    const ingestion = stack.sesEventBridge;
    if (!ingestion) throw new Error('no EventBridge ingestion');
    const rule = resourcesOf(template, 'AWS::Events::Rule')[logicalId(ingestion.rule)];
    expect(rule?.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: arnOf(ingestion.function.fn),
        DeadLetterConfig: { Arn: arnOf(ingestion.deadLetterQueue) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: arnOf(ingestion.function.fn),
      Principal: 'events.amazonaws.com',
      SourceArn: arnOf(ingestion.rule),
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(ingestion.deadLetterQueue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': arnOf(ingestion.rule) } },
          }),
        ]),
      },
    });
  });

  it("retries the function's failures, then keeps them in the dead-letter queue, with an alarm", () => {
    expectDeadLettered(template, stack, 'sesEventBridge');
  });

  it('takes identity notifications (SNS only) by the Lambda subscription, with no HTTPS subscription', () => {
    expect(stack.sesSnsLambda).toBeDefined();
    expectDeadLettered(template, stack, 'sesSnsLambda');
    const protocols = Object.values(resourcesOf(template, 'AWS::SNS::Subscription')).map(
      (s) => s.Properties.Protocol,
    );
    expect(protocols).toEqual(['lambda']);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('SES ingestion option https (the default)', () => {
  const { stack, template } = synth({ sesIdentities: 'example.com', sesConfigurationSet: 'newsletters' });

  it('keeps the HTTPS subscription and the topic as the configuration set destination, and no function', () => {
    expect(stack.sesSnsLambda).toBeUndefined();
    expect(stack.sesEventBridge).toBeUndefined();
    const protocols = Object.values(resourcesOf(template, 'AWS::SNS::Subscription')).map(
      (s) => s.Properties.Protocol,
    );
    expect(protocols).toEqual(['https']);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ SnsDestination: Match.anyValue() }),
    });
    expect(defaultsOf(template)).toMatchObject({ webhooks_enabled: true });
  });
});

describe('SES ingestion context checks', () => {
  it.each([
    [
      { sesConfigurationSet: 'x', sesIngestion: 'kinesis' },
      /sesIngestion must be 'https', 'sns-lambda', 'eventbridge'/,
    ],
    [{ sesIdentities: 'example.com', sesIngestion: 'eventbridge' }, /eventbridge' needs sesConfigurationSet/],
    [{ sesIngestion: 'sns-lambda' }, /needs sesIdentities or sesConfigurationSet/],
  ])('refuses %j', (context, message) => {
    expect(() => buildApp(testApp(context))).toThrow(message);
  });

  it('takes a configuration set alone with eventbridge', () => {
    const { stack } = synth({ sesConfigurationSet: 'newsletters', sesIngestion: 'eventbridge' });
    expect(stack.sesEventBridge).toBeDefined();
  });
});
