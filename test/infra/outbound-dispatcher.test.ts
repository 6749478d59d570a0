import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { BounceStack } from '../../lib/bounce-stack.js';
import { SUPPRESSION_ACTIONS } from '../../lib/outbound-dispatcher-construct.js';
import {
  bareStack,
  grant,
  grantsOf,
  logicalId,
  resourcesOf,
  statementsOfRole,
  TEST_ENV,
  testApp,
} from './cdk-test-app.js';

function build(withNetwork: boolean) {
  const app = testApp();
  const stack = new BounceStack(app, 'Stack', {
    env: TEST_ENV,
    ...(withNetwork
      ? {
          outboundNetwork: {
            vpc: new Vpc(bareStack(app), 'Vpc', { maxAzs: 2 }),
            allowPrivate: ['stmails.internal', '10.20.0.0/16'],
          },
        }
      : {}),
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('outbound dispatcher (CDK)', () => {
  const { stack, template } = build(false);
  const fnId = logicalId(stack.outbound.function.fn);

  it('runs every minute from EventBridge, for retries and pruning', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })],
    });
  });

  it('alarms on dead letters', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OutboundDeadLetters',
      Namespace: 'stmails',
      Threshold: 1,
    });
  });

  it('may call only the two SES suppression-list actions besides its table, settings and logs', () => {
    const grants = grantsOf(statementsOfRole(template, logicalId(stack.outbound.function.role)));
    const ses = grants.filter((g) => g.includes(' ses:'));
    expect(ses.sort()).toEqual(SUPPRESSION_ACTIONS.map((a) => grant(a, '*')).sort());
    expect(grants.some((g) => g.includes('events:PutEvents'))).toBe(false);
  });

  it('is started by the webhook function after a write', () => {
    const webhook = stack.functions.webhook;
    if (!webhook) throw new Error('no webhook function');
    expect(grantsOf(statementsOfRole(template, logicalId(webhook.role)))).toContain(
      grant('lambda:InvokeFunction', { 'Fn::GetAtt': [fnId, 'Arn'] }),
    );
  });

  it('stays outside any VPC and allows no private target by default', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId];
    expect(fn?.Properties.VpcConfig).toBeUndefined();
    const env = (fn?.Properties.Environment ?? { Variables: {} }) as { Variables: Record<string, string> };
    expect(env.Variables).not.toHaveProperty('OUTBOUND_ALLOW_PRIVATE');
  });

  it('goes into the given VPC with the allow-list when deployed for a private stmails', () => {
    const built = build(true);
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[
      logicalId(built.stack.outbound.function.fn)
    ];
    expect(fn?.Properties.VpcConfig).toMatchObject({ SubnetIds: expect.any(Array) });
    const env = (fn?.Properties.Environment ?? { Variables: {} }) as { Variables: Record<string, string> };
    expect(env.Variables.OUTBOUND_ALLOW_PRIVATE).toBe('stmails.internal,10.20.0.0/16');
  });
});
