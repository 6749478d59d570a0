import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/bounce-app.js';

function synth(context: Record<string, unknown>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
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
      DeliveryPolicy: { healthyRetryPolicy: Match.objectLike({ numRetries: 100, maxDelayTarget: 36 }) },
    });
  });

  it("points every identity's bounce and complaint notifications at the topic, with original headers", () => {
    const calls = Object.values(template.findResources('Custom::AWS')).map((r) =>
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
