import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_THROTTLE } from '../../lib/api-construct.js';
import { buildApp } from '../../lib/bounce-app.js';
import { SES_MAX_RECEIVES_PER_SECOND, SesSetup, sesFeedbackTopic } from '../../lib/ses-setup-construct.js';
import { bareStack, grant, grantsOf, logicalId, resourcesOf, statementsOfRole } from './cdk-test-app.js';

function synth(context: Record<string, unknown>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

interface SdkCall {
  action: string;
  parameters: { Identity: string; NotificationType: string; SnsTopic?: unknown; Enabled?: boolean };
  ignoreErrorCodesMatching?: string;
}

/** A call as the template holds it: JSON, or JSON joined around the topic's Ref. */
function sdkCall(value: unknown): SdkCall {
  if (typeof value === 'string') return JSON.parse(value);
  const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOPIC')).join(''));
}

/** The SES custom resources by logical id: what each does, and which others it waits for. */
function sesCalls(template: Template) {
  const resources = resourcesOf(template, 'Custom::AWS');
  return Object.fromEntries(
    Object.entries(resources).map(([id, r]) => {
      const create = sdkCall(r.Properties.Create);
      return [
        id,
        {
          name: `${create.action} ${create.parameters.Identity} ${create.parameters.NotificationType}`,
          create,
          delete: sdkCall(r.Properties.Delete),
          dependsOn: ((r.DependsOn as string[] | undefined) ?? []).filter((d) => d in resources),
          allDependsOn: (r.DependsOn as string[] | undefined) ?? [],
        },
      ];
    }),
  );
}

/** The calls in the order CloudFormation can run them, refusing any two that could run at once. */
function callOrder(template: Template): string[] {
  const calls = sesCalls(template);
  const order: string[] = [];
  let ready = Object.keys(calls).filter((id) => calls[id]?.dependsOn.length === 0);
  while (ready.length > 0) {
    expect(ready, 'SES calls that could run at the same time').toHaveLength(1);
    const [next] = ready as [string];
    order.push(next);
    ready = Object.keys(calls).filter(
      (id) => !order.includes(id) && (calls[id]?.dependsOn ?? []).every((d) => order.includes(d)),
    );
  }
  expect(order).toHaveLength(Object.keys(calls).length);
  return order.map((id) => calls[id]?.name as string);
}

describe('SES setup option (context sesIdentities)', () => {
  const { app, stack, template } = synth({
    sesIdentities: 'example.com,news@example.org',
    sesConfigurationSet: 'newsletters',
  });

  it('subscribes the SES webhook over HTTPS with raw delivery off and the longest delivery policy', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      RawMessageDelivery: false,
      Endpoint: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('webhooks/service/ses')])]),
      }),
      DeliveryPolicy: Match.objectLike({
        healthyRetryPolicy: Match.objectLike({ numRetries: 100, maxDelayTarget: 36 }),
      }),
    });
  });

  it("holds SNS below the SES route's throttle: a 429 would count as delivered and the bounce be lost", () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      DeliveryPolicy: Match.objectLike({
        throttlePolicy: { maxReceivesPerSecond: SES_MAX_RECEIVES_PER_SECOND },
      }),
    });
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    if (!stage) throw new Error('no stage');
    const sesRoute = (stage.Properties.MethodSettings as Record<string, unknown>[]).find(
      (m) => m.ResourcePath === '/~1webhooks~1service~1ses' && m.HttpMethod === 'POST',
    );
    expect(sesRoute?.ThrottlingRateLimit).toBe(DEFAULT_WEBHOOK_THROTTLE.rateLimit);
    expect(SES_MAX_RECEIVES_PER_SECOND).toBeLessThan(DEFAULT_WEBHOOK_THROTTLE.rateLimit);
  });

  it('has SNS sign with SHA256 (SignatureVersion 2)', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'stmails SES feedback',
      SignatureVersion: '2',
    });
  });

  it("makes the SES calls one after another, each identity's topic before its headers, after the topic policy", () => {
    expect(callOrder(template)).toEqual([
      'setIdentityNotificationTopic example.com Bounce',
      'setIdentityHeadersInNotificationsEnabled example.com Bounce',
      'setIdentityNotificationTopic example.com Complaint',
      'setIdentityHeadersInNotificationsEnabled example.com Complaint',
      'setIdentityNotificationTopic news@example.org Bounce',
      'setIdentityHeadersInNotificationsEnabled news@example.org Bounce',
      'setIdentityNotificationTopic news@example.org Complaint',
      'setIdentityHeadersInNotificationsEnabled news@example.org Complaint',
    ]);
    const [policyId] = Object.keys(resourcesOf(template, 'AWS::SNS::TopicPolicy'));
    const first = Object.values(sesCalls(template)).find((c) => c.dependsOn.length === 0);
    expect(first?.allDependsOn).toContain(policyId);
  });

  it('names each SES call after its identity, so editing the list leaves the other identities alone', () => {
    const idsOf = (identities: string[]) => {
      const stack = bareStack();
      const topic = sesFeedbackTopic(stack, 'Topic');
      new SesSetup(stack, 'SesSetup', {
        identities,
        topic,
        endpoint: 'https://example.com/webhooks/service/ses',
      });
      return Object.entries(sesCalls(Template.fromStack(stack)))
        .filter(([, c]) => c.create.parameters.Identity === 'news@example.org')
        .map(([id]) => id)
        .sort();
    };
    const before = idsOf(['example.com', 'news@example.org']);
    expect(before).toHaveLength(4);
    expect(idsOf(['news@example.org'])).toEqual(before);
    expect(idsOf(['first.example', 'example.com', 'news@example.org'])).toEqual(before);
  });

  it('undoes each setting on delete, going on where SES refuses (forwarding off, identity gone)', () => {
    for (const call of Object.values(sesCalls(template))) {
      expect(call.create.ignoreErrorCodesMatching, call.name).toBeUndefined();
      expect(call.delete.ignoreErrorCodesMatching, call.name).toBe('^InvalidParameterValue$');
      expect(call.delete.action).toBe(call.create.action);
      if (call.create.action === 'setIdentityNotificationTopic') {
        expect(call.create.parameters.SnsTopic).toBe('TOPIC');
        expect(call.delete.parameters.SnsTopic).toBeUndefined();
      } else {
        expect([call.create.parameters.Enabled, call.delete.parameters.Enabled]).toEqual([true, false]);
      }
    }
  });

  it("lets the calls' function make the two SES calls on the named identities and write its own logs, nothing else", () => {
    const [provider] = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn).includes('SesSetupProviderRole'),
    );
    if (!provider) throw new Error('no provider function');
    const roleId = (provider.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const identity = (name: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:eu-west-1:123456789012:identity/${name}`]],
    });
    const logs = { 'Fn::GetAtt': [logicalId(stack.ses?.node.findChild('ProviderLogs') as never), 'Arn'] };
    expect(grantsOf(statementsOfRole(template, roleId))).toEqual(
      [
        grant('logs:CreateLogStream', logs),
        grant('logs:PutLogEvents', logs),
        ...['ses:SetIdentityNotificationTopic', 'ses:SetIdentityHeadersInNotificationsEnabled'].flatMap(
          (a) => [grant(a, identity('example.com')), grant(a, identity('news@example.org'))],
        ),
      ].sort(),
    );
  });

  it("points every identity's bounce and complaint notifications at the topic, with original headers", () => {
    const calls = Object.values(resourcesOf(template, 'Custom::AWS')).map((r) =>
      JSON.stringify(r.Properties.Create),
    );
    for (const identity of ['example.com', 'news@example.org']) {
      for (const kind of ['Bounce', 'Complaint']) {
        expect(
          calls.some(
            (c) => c.includes('setIdentityNotificationTopic') && c.includes(identity) && c.includes(kind),
          ),
        ).toBe(true);
        expect(
          calls.some(
            (c) =>
              c.includes('setIdentityHeadersInNotificationsEnabled') &&
              c.includes(identity) &&
              c.includes(kind),
          ),
        ).toBe(true);
      }
    }
  });

  it('lets only SES of this account publish to the topic, and adds the configuration set destination', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: 'newsletters',
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint'] }),
    });
  });

  it('turns on processing, webhooks and SES for the topic in the deploy-time defaults', () => {
    const fn = stack.functions.sesWebhook?.fn;
    const resource = template.toJSON().Resources[stack.getLogicalId(fn?.node.defaultChild as never)];
    const json = JSON.stringify(resource.Properties.Environment.Variables.DEFAULT_SETTINGS);
    expect(json).toContain('\\"enabled\\":true');
    expect(json).toContain('webhooks_enabled');
    expect(json).toContain('topic_arns');
    expect(json).toContain('SesFeedbackTopic');
  });

  it('passes cdk-nag', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
