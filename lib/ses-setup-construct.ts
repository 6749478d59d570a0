import { createHash } from 'node:crypto';
import { Arn, ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnConfigurationSetEventDestination } from 'aws-cdk-lib/aws-ses';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { type DeploySettings, deploySettingsJson } from './deploy-settings.js';
import type { SesIngestion } from './ses-native-construct.js';

export interface SesSetupOptions {
  /** Verified SES identities (domains or addresses) whose bounces and complaints go to the service. */
  readonly identities: string[];
  /**
   * Also publish bounce and complaint events of this configuration set: to the topic, or with
   * `ingestion: 'eventbridge'` to the default EventBridge bus.
   */
  readonly configurationSet?: string;
  /** How the feedback reaches the service (ses-native-construct.ts). @default 'https' */
  readonly ingestion?: SesIngestion;
}

export interface SesSetupProps extends Omit<SesSetupOptions, 'ingestion'> {
  /** `https://…/webhooks/service/ses`; absent, nothing subscribes by HTTPS (a function subscribes instead). */
  readonly endpoint?: string;
  /** The topic, created by the stack first: its ARN goes into the functions' default settings. */
  readonly topic: Topic;
}

/**
 * The deploy-time defaults with SES switched on for the stack's topic: validated with a placeholder
 * ARN of the stack's partition (the real one is a token until deploy), then rendered with the real one.
 */
export function sesDefaults(
  scope: Construct,
  user: DeploySettings | undefined,
  topicArn: string | undefined,
  options: { webhooks: boolean } = { webhooks: true },
): string {
  const stack = Stack.of(scope);
  const partition = Token.isUnresolved(stack.partition) ? 'aws' : stack.partition;
  const placeholder = Arn.format({
    partition,
    service: 'sns',
    region: 'us-east-1',
    account: '123456789012',
    resource: 'stmails-ses-feedback',
  });
  // Without a webhook in the way (SNS Lambda subscription, EventBridge), webhooks stay as configured.
  const merged = (arn: string | undefined) => ({
    ...user,
    enabled: true,
    ...(options.webhooks ? { webhooks_enabled: true } : {}),
    ses: {
      ...user?.ses,
      enabled: true,
      topic_arns: [...(user?.ses?.topic_arns ?? []), ...(arn ? [arn] : [])],
    },
  });
  deploySettingsJson(merged(topicArn ? placeholder : undefined) as DeploySettings);
  return stack.toJsonString(merged(topicArn));
}

/**
 * SNS's longest HTTP retry policy: its total retry time may not pass 3,600 s, so 100 retries at
 * 30-36 s cover the hour. A bounce notification survives an hour of the service being unavailable.
 */
export const LONGEST_HTTP_RETRY_POLICY = {
  minDelayTarget: 30,
  maxDelayTarget: 36,
  numRetries: 100,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: 'linear',
};

/**
 * How many deliveries a second SNS may make to the SES webhook. SNS takes any 4xx answer, a 429
 * from API Gateway's throttle included, as delivered and drops the message, so SNS must stay under
 * the route's own throttle (DEFAULT_WEBHOOK_THROTTLE in api-construct.ts, 200 a second), with room
 * for topics an operator subscribes by hand. At a few hundred milliseconds per delivery, 50 a second
 * also keeps the SES function near 10 concurrent executions, all a new account has; past Lambda's
 * limit the answer is a 5xx, which SNS retries for the hour of the retry policy.
 */
export const SES_MAX_RECEIVES_PER_SECOND = 50;

export const SES_DELIVERY_POLICY = {
  healthyRetryPolicy: LONGEST_HTTP_RETRY_POLICY,
  throttlePolicy: { maxReceivesPerSecond: SES_MAX_RECEIVES_PER_SECOND },
};

/**
 * The SES feedback topic. SNS signs with SHA256 (SignatureVersion 2) rather than its default SHA1;
 * the webhook verifies both. It refuses publishing without TLS.
 */
export function sesFeedbackTopic(scope: Construct, id: string): Topic {
  return new Topic(scope, id, {
    displayName: 'stmails SES feedback',
    enforceSSL: true,
    signatureVersion: '2',
  });
}

/**
 * A construct id for an identity that stays the same wherever the identity sits in the list, so
 * adding or removing one identity never replaces (and on cleanup, clears) another's settings:
 * the readable part for people, a hash of the exact name so two names never share an id.
 */
export function identityId(identity: string): string {
  const readable = identity.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  return `Identity${readable}${hash}`;
}

/** SES's answer when a setting cannot be undone (see the delete calls below). */
const SES_REFUSAL = '^InvalidParameterValue$';

/**
 * The seed's manual SES steps as one construct: the HTTPS subscription of the SES webhook (raw
 * delivery off, the longest retry policy, a delivery rate the route takes), and each identity's
 * bounce and complaint notifications pointed at the topic with original headers included (so
 * X-Stmails-* reach us).
 *
 * SES allows one call a second to these settings, and the headers setting needs the topic setting
 * first, so the calls run one after another: a chain of dependencies, identity by identity, topic
 * before headers. CloudFormation deletes in the reverse order, headers before topic.
 */
export class SesSetup extends Construct {
  public readonly topic: Topic;
  /** The HTTPS subscription, when an endpoint was given. */
  public readonly subscription?: CfnSubscription;
  /** The custom resources in the order they run. */
  public readonly calls: AwsCustomResource[] = [];

  constructor(scope: Construct, id: string, props: SesSetupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = props.topic;
    const sesMayPublish = this.topic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (props.endpoint) {
      this.subscription = new CfnSubscription(this, 'Webhook', {
        topicArn: this.topic.topicArn,
        protocol: 'https',
        endpoint: props.endpoint,
        rawMessageDelivery: false,
        deliveryPolicy: SES_DELIVERY_POLICY,
      });
    }

    const identities = [...new Set(props.identities)];
    const { role, logGroup } = identities.length > 0 ? this.provider(identities) : {};
    let previous: IDependable | undefined = sesMayPublish.policyDependable;
    for (const identity of identities) {
      for (const kind of ['Bounce', 'Complaint'] as const) {
        const topicCall = (topic: string | undefined) => ({
          service: 'SES',
          action: 'setIdentityNotificationTopic',
          parameters: { Identity: identity, NotificationType: kind, ...(topic ? { SnsTopic: topic } : {}) },
          physicalResourceId: PhysicalResourceId.of(`${identity}-${kind}-topic`),
        });
        const headersCall = (enabled: boolean) => ({
          service: 'SES',
          action: 'setIdentityHeadersInNotificationsEnabled',
          parameters: { Identity: identity, NotificationType: kind, Enabled: enabled },
          physicalResourceId: PhysicalResourceId.of(`${identity}-${kind}-headers`),
        });
        const steps = [
          {
            id: `${identityId(identity)}${kind}Topic`,
            onCreate: topicCall(this.topic.topicArn),
            // SES refuses to clear the topic while the identity's email feedback forwarding is off
            // (it would leave no way to receive bounces); the stack delete goes on, and SES keeps
            // naming this topic until someone turns forwarding on or picks another topic.
            onDelete: { ...topicCall(undefined), ignoreErrorCodesMatching: SES_REFUSAL },
          },
          {
            id: `${identityId(identity)}${kind}Headers`,
            onCreate: headersCall(true),
            // Refused when the identity is gone from SES already: nothing is left to undo.
            onDelete: { ...headersCall(false), ignoreErrorCodesMatching: SES_REFUSAL },
          },
        ];
        for (const step of steps) {
          const call = new AwsCustomResource(this, step.id, {
            onCreate: step.onCreate,
            onUpdate: step.onCreate,
            onDelete: step.onDelete,
            role,
            logGroup,
            installLatestAwsSdk: false,
          });
          if (previous) call.node.addDependency(previous);
          previous = call;
          this.calls.push(call);
        }
      }
    }
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
  }

  /**
   * The role and log group of AwsCustomResource's provider function. The role allows the two SES
   * calls on the named identities and writing to that log group, nothing else: the role
   * AwsCustomResource would make itself carries AWSLambdaBasicExecutionRole (any log group) and an
   * inline policy per call, each listing every identity: four policies per identity, together past
   * IAM's 10,240-character limit for a role's inline policies from six identities on.
   */
  private provider(identities: readonly string[]): { role: Role; logGroup: LogGroup } {
    const stack = Stack.of(this);
    const logGroup = new LogGroup(this, 'ProviderLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'ProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'stmails SES setup: points SES identities at the feedback topic',
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SetIdentityNotificationTopic', 'ses:SetIdentityHeadersInNotificationsEnabled'],
        resources: identities.map((identity) =>
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: identity,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
      }),
    );
    return { role, logGroup };
  }
}
