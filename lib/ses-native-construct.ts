import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnConfigurationSetEventDestination } from 'aws-cdk-lib/aws-ses';
import type { ITopic, Subscription } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SES_EVENTBRIDGE_DETAIL_TYPES } from '../lambdas/core/providers/ses-aws-events.js';
import { FUNCTIONS } from '../lambdas/handlers/routes.js';
import { BounceFunction } from './function-construct.js';

/**
 * How SES feedback reaches the service (stack option `sesIngestion`):
 * - `https`: the SES topic's HTTPS subscription to `POST /webhooks/service/ses` (needs the public API);
 * - `sns-lambda`: the same topic subscribed straight to a function (AWS invokes it; no endpoint);
 * - `eventbridge`: the configuration set's events on the default EventBridge bus, a rule invoking a
 *   function; identity notifications, which SES sends to SNS only, go by `sns-lambda`.
 */
export const SES_INGESTIONS = ['https', 'sns-lambda', 'eventbridge'] as const;
export type SesIngestion = (typeof SES_INGESTIONS)[number];

/**
 * Lambda's most for an asynchronous invocation that fails: 2 retries (about a minute, then two),
 * events up to 6 hours old. Past them the event goes to the dead-letter queue with the error, so a
 * switch that is off or a storage outage keeps events rather than losing them.
 */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);
/** EventBridge's most for delivering to a target it cannot invoke (throttled, permission): 24 hours. */
export const EVENTBRIDGE_RETRY_ATTEMPTS = 185;
export const EVENTBRIDGE_MAX_EVENT_AGE = Duration.hours(24);
/** SQS's longest retention: two weeks to replay a dead letter. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface SesNativeFunctionProps {
  readonly environment: Record<string, string>;
  readonly logRetention?: RetentionDays;
}

/**
 * A function AWS invokes asynchronously with SES feedback, and the one queue that keeps what it could
 * not record: the function's own failures (after Lambda's retries) and the deliveries the service in
 * front (SNS, EventBridge) could not make. Every message in it is an event to replay (see the docs).
 */
class SesFeedbackFunction extends Construct {
  public readonly function: BounceFunction;
  public readonly deadLetterQueue: Queue;

  constructor(
    scope: Construct,
    id: string,
    spec: { entry: string; description: string },
    props: SesNativeFunctionProps,
  ) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      // SQS-managed keys: SNS and EventBridge can send to such a queue without a key policy (the AWS
      // managed KMS key would refuse them; a customer managed key would need one).
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the SES feedback function, of its SNS subscription ' +
        'or EventBridge target; an alarm fires on its first message and an operator replays it.',
    });
    this.function = new BounceFunction(this, 'Function', {
      entry: spec.entry,
      description: spec.description,
      environment: props.environment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.function.fn.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
  }
}

export interface SesSnsLambdaProps extends SesNativeFunctionProps {
  /** The SES feedback topic the stack created. */
  readonly topic: ITopic;
}

/**
 * SES feedback without a public endpoint, by SNS: the topic's Lambda subscription. SNS invokes the
 * function (its resource policy names the topic as the source), retrying on its own schedule for
 * AWS endpoints; a message SNS cannot deliver at all goes to the subscription's dead-letter queue.
 */
export class SesSnsLambdaIngestion extends Construct {
  public readonly function: BounceFunction;
  public readonly deadLetterQueue: Queue;
  public readonly subscription: Subscription;

  constructor(scope: Construct, id: string, props: SesSnsLambdaProps) {
    super(scope, id);
    const feedback = new SesFeedbackFunction(this, 'Feedback', FUNCTIONS.sesSns, props);
    this.function = feedback.function;
    this.deadLetterQueue = feedback.deadLetterQueue;
    const subscription = new LambdaSubscription(this.function.fn, { deadLetterQueue: this.deadLetterQueue });
    this.subscription = props.topic.addSubscription(subscription);
  }
}

export interface SesEventBridgeProps extends SesNativeFunctionProps {
  /** The SES configuration set whose bounce and complaint events are published to EventBridge. */
  readonly configurationSet: string;
}

/**
 * SES feedback without a public endpoint, by EventBridge: the configuration set publishes bounce and
 * complaint events to the default bus (the only bus SES publishes to), and a rule matching SES's own
 * events of this configuration set invokes the function.
 */
export class SesEventBridgeIngestion extends Construct {
  public readonly function: BounceFunction;
  public readonly deadLetterQueue: Queue;
  public readonly rule: Rule;
  public readonly destination: CfnConfigurationSetEventDestination;

  constructor(scope: Construct, id: string, props: SesEventBridgeProps) {
    super(scope, id);
    const feedback = new SesFeedbackFunction(this, 'Feedback', FUNCTIONS.sesEventBridge, props);
    this.function = feedback.function;
    this.deadLetterQueue = feedback.deadLetterQueue;
    const stack = Stack.of(this);
    this.destination = new CfnConfigurationSetEventDestination(this, 'Destination', {
      configurationSetName: props.configurationSet,
      eventDestination: {
        enabled: true,
        matchingEventTypes: ['bounce', 'complaint'],
        eventBridgeDestination: {
          eventBusArn: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
        },
      },
    });
    this.rule = new Rule(this, 'Events', {
      description: `stmails: SES bounces and complaints of configuration set ${props.configurationSet}`,
      eventPattern: {
        // Only AWS may put events whose source is aws.*, so nobody else's events match.
        source: ['aws.ses'],
        detailType: [...SES_EVENTBRIDGE_DETAIL_TYPES],
        // SES tags every event with its configuration set: other sets' events stay out.
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSet] } } },
      },
      targets: [
        new LambdaFunction(this.function.fn, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: EVENTBRIDGE_RETRY_ATTEMPTS,
          maxEventAge: EVENTBRIDGE_MAX_EVENT_AGE,
        }),
      ],
    });
  }
}
