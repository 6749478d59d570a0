import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnConfigurationSetEventDestination } from 'aws-cdk-lib/aws-ses';
import { CfnSubscription, type Topic } from 'aws-cdk-lib/aws-sns';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { type DeploySettings, deploySettingsJson } from './deploy-settings.js';

export interface SesSetupOptions {
  /** Verified SES identities (domains or addresses) whose bounces and complaints go to the service. */
  readonly identities: string[];
  /** Also publish bounce and complaint events of this configuration set to the topic. */
  readonly configurationSet?: string;
}

export interface SesSetupProps extends SesSetupOptions {
  /** `https://…/webhooks/service/ses`. */
  readonly endpoint: string;
  /** The topic, created by the stack first: its ARN goes into the functions' default settings. */
  readonly topic: Topic;
}

const PLACEHOLDER_ARN = 'arn:aws:sns:us-east-1:123456789012:stmails-ses-feedback';

/**
 * The deploy-time defaults with SES switched on for the stack's topic: validated with a placeholder
 * ARN (the real one is a token until deploy), then rendered with the real one.
 */
export function sesDefaults(scope: Construct, user: DeploySettings | undefined, topicArn: string): string {
  const merged = (arn: string) => ({
    ...user,
    enabled: true,
    webhooks_enabled: true,
    ses: { ...user?.ses, enabled: true, topic_arns: [...(user?.ses?.topic_arns ?? []), arn] },
  });
  deploySettingsJson(merged(PLACEHOLDER_ARN) as DeploySettings);
  return Stack.of(scope).toJsonString(merged(topicArn));
}

/**
 * SNS's longest HTTP retry policy: its total retry time may not pass 3,600 s, so 100 retries at
 * 30-36 s cover the hour. A bounce notification survives an hour of the service being unavailable.
 */
export const LONGEST_HTTP_DELIVERY_POLICY = {
  healthyRetryPolicy: {
    minDelayTarget: 30,
    maxDelayTarget: 36,
    numRetries: 100,
    numNoDelayRetries: 0,
    numMinDelayRetries: 0,
    numMaxDelayRetries: 0,
    backoffFunction: 'linear',
  },
};

/**
 * The seed's manual SES steps as one construct: an SNS topic, the HTTPS subscription of the SES
 * webhook (raw delivery off, the longest delivery policy), and each identity's bounce and complaint
 * notifications pointed at the topic with original headers included (so X-Stmails-* reach us).
 */
export class SesSetup extends Construct {
  public readonly topic: Topic;
  public readonly subscription: CfnSubscription;

  constructor(scope: Construct, id: string, props: SesSetupProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.topic = props.topic;
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.subscription = new CfnSubscription(this, 'Webhook', {
      topicArn: this.topic.topicArn,
      protocol: 'https',
      endpoint: props.endpoint,
      rawMessageDelivery: false,
      deliveryPolicy: LONGEST_HTTP_DELIVERY_POLICY,
    });

    const identityArns = props.identities.map(
      (identity) => `arn:aws:ses:${region}:${account}:identity/${identity}`,
    );
    const policy = AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({
        actions: ['ses:SetIdentityNotificationTopic', 'ses:SetIdentityHeadersInNotificationsEnabled'],
        resources: identityArns,
      }),
    ]);
    props.identities.forEach((identity, i) => {
      for (const kind of ['Bounce', 'Complaint'] as const) {
        const topicCall = (topic: string | undefined) => ({
          service: 'SES',
          action: 'setIdentityNotificationTopic',
          parameters: { Identity: identity, NotificationType: kind, ...(topic ? { SnsTopic: topic } : {}) },
          physicalResourceId: PhysicalResourceId.of(`${identity}-${kind}-topic`),
        });
        new AwsCustomResource(this, `Identity${i}${kind}Topic`, {
          onCreate: topicCall(this.topic.topicArn),
          onUpdate: topicCall(this.topic.topicArn),
          onDelete: topicCall(undefined),
          policy,
          installLatestAwsSdk: false,
        });
        const headersCall = (enabled: boolean) => ({
          service: 'SES',
          action: 'setIdentityHeadersInNotificationsEnabled',
          parameters: { Identity: identity, NotificationType: kind, Enabled: enabled },
          physicalResourceId: PhysicalResourceId.of(`${identity}-${kind}-headers`),
        });
        new AwsCustomResource(this, `Identity${i}${kind}Headers`, {
          onCreate: headersCall(true),
          onUpdate: headersCall(true),
          onDelete: headersCall(false),
          policy,
          installLatestAwsSdk: false,
        });
      }
    });
    if (props.configurationSet) {
      new CfnConfigurationSetEventDestination(this, 'ConfigurationSetEvents', {
        configurationSetName: props.configurationSet,
        eventDestination: {
          enabled: true,
          matchingEventTypes: ['bounce', 'complaint'],
          snsDestination: { topicArn: this.topic.topicArn },
        },
      });
    }
    // AwsCustomResource's provider is one function per stack, created beside (not inside) this construct.
    const provider = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (provider)
      Validations.of(provider).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "AwsCustomResource's provider function uses AWSLambdaBasicExecutionRole for its own logs only; " +
            'its SES calls are limited to the named identities by the inline policy',
        },
        {
          id: 'AwsSolutions-L1',
          reason: "AwsCustomResource's provider runtime is chosen by aws-cdk-lib for the SDK it ships",
        },
      );
  }
}
