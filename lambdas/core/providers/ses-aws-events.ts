import { ValidationError } from '../errors.js';
import { mapSesMessage, mapSesRecord, type SesMapping } from './ses-mapping.js';

/**
 * SES feedback that AWS hands to a function directly, without a public endpoint: an SNS topic's
 * Lambda subscription (`Records[].Sns`), or a configuration set's EventBridge destination (the event's
 * `detail` is the event-publishing record). AWS invoked the function, so there is no signature to
 * check here; which topic may deliver is still checked against `ses.topic_arns` by the use case.
 */
export interface SesFeedback {
  /** Names the record in logs and errors: `Records[0]`, or the EventBridge event id. */
  label: string;
  /** The SNS topic that delivered it (SNS only). */
  topicArn?: string;
  /** Maps lazily, so one malformed record fails alone (ValidationError naming the field). */
  map(): SesMapping;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new ValidationError(field, 'is required');
  return value;
}

/** One SNS notification, as a Lambda record carries it or as SNS keeps it in a dead-letter queue. */
function snsNotification(sns: unknown, at: string): SesFeedback {
  if (!isRecord(sns)) throw new ValidationError(at, 'is required (an object)');
  // Lambda subscriptions get notifications only: SNS confirms them itself.
  if (sns.Type !== 'Notification')
    throw new ValidationError(`${at}.Type`, `is ${JSON.stringify(sns.Type)}; only Notification is expected`);
  const topicArn = requiredText(sns.TopicArn, `${at}.TopicArn`);
  const messageId = requiredText(sns.MessageId, `${at}.MessageId`);
  const message = requiredText(sns.Message, `${at}.Message`);
  return {
    label: at,
    topicArn,
    map: () => mapSesMessage(message, { snsMessageId: messageId, topicArn }),
  };
}

/**
 * The records of an SNS-invoked Lambda event (`{ Records: [{ EventSource: 'aws:sns', Sns: {...} }] }`).
 * A bare SNS notification (`{ Type: 'Notification', TopicArn, Message, ... }`) is taken too: that is
 * what the subscription's dead-letter queue keeps, so a dead letter replays by invoking the function
 * with its body as it is.
 */
export function sesFromSnsEvent(event: unknown): SesFeedback[] {
  if (!isRecord(event)) throw new ValidationError('event', 'is not an object');
  if (event.Records === undefined && event.Type !== undefined) return [snsNotification(event, 'event')];
  if (!Array.isArray(event.Records) || event.Records.length === 0)
    throw new ValidationError('Records', 'is required (a non-empty list of SNS records)');
  return event.Records.map((record: unknown, i) => {
    const at = `Records[${i}]`;
    try {
      if (!isRecord(record)) throw new ValidationError(at, 'is not an object');
      if (record.EventSource !== 'aws:sns')
        throw new ValidationError(
          `${at}.EventSource`,
          `is ${JSON.stringify(record.EventSource)}, not aws:sns`,
        );
      return snsNotification(record.Sns, `${at}.Sns`);
    } catch (error) {
      // A malformed record fails alone, when it is mapped; the others are still recorded.
      return {
        label: at,
        map: () => {
          throw error;
        },
      };
    }
  });
}

/** The detail-types SES gives bounce and complaint events on EventBridge. */
export const SES_EVENTBRIDGE_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

/**
 * An SES event from EventBridge (`{ source: 'aws.ses', 'detail-type': 'Email Bounced', detail }`).
 * Only AWS may put events whose source starts with `aws.`, so the source is the check of origin.
 */
export function sesFromEventBridge(event: unknown): SesFeedback {
  if (!isRecord(event)) throw new ValidationError('event', 'is not an object');
  if (event.source !== 'aws.ses')
    throw new ValidationError('source', `is ${JSON.stringify(event.source)}, not aws.ses`);
  const id = requiredText(event.id, 'id');
  const detail = event.detail;
  return {
    label: `event ${id}`,
    map: () => mapSesRecord(detail, { eventBridgeId: id, field: 'detail' }),
  };
}
