import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { sesFromEventBridge, sesFromSnsEvent } from '../../../lambdas/core/providers/ses-aws-events.js';
import { mapSesMessage } from '../../../lambdas/core/providers/ses-mapping.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the parsed fixtures freely
type Json = Record<string, any>;

const NATIVE = resolve(import.meta.dirname, '../../fixtures/ses-native');
const SES = resolve(import.meta.dirname, '../../fixtures/sns/ses');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:stmails-ses-feedback';

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(NATIVE, `${name}.json`), 'utf8'));
}

function sesRecord(name: string): string {
  return readFileSync(join(SES, `${name}.json`), 'utf8');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('SES feedback from an SNS Lambda subscription (Records[].Sns)', () => {
  it('reads the topic of each record and maps its Message like the HTTPS path', () => {
    const [item] = sesFromSnsEvent(fixture('sns-lambda-event-bounce'));
    expect(item?.topicArn).toBe(TOPIC);
    const mapping = item?.map();
    expect(mapping?.bounces.map((b) => [b.email, b.event_key])).toEqual([
      [
        'jane@example.com',
        'ses:bounce:0100018a1b2c3d4e-aaaa1111-2222-3333-4444-555566667777-000000:jane@example.com',
      ],
      [
        'richard@example.net',
        'ses:bounce:0100018a1b2c3d4e-aaaa1111-2222-3333-4444-555566667777-000000:richard@example.net',
      ],
    ]);
    expect(mapping?.bounces[0]?.meta).toMatchObject({
      snsMessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      topicArn: TOPIC,
    });
  });

  it('gives the same bounces as the HTTPS mapping of the same message, SNS message id and topic included', () => {
    const [item] = sesFromSnsEvent(fixture('sns-lambda-event-bounce'));
    const https = mapSesMessage(sesRecord('event-bounce'), {
      snsMessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      topicArn: TOPIC,
    });
    expect(item?.map()).toEqual(https);
  });

  it('returns one item per record: a bounce notification and a complaint event', () => {
    const items = sesFromSnsEvent(fixture('sns-lambda-event-two-records'));
    expect(items.map((i) => i.label)).toEqual(['Records[0].Sns', 'Records[1].Sns']);
    expect(items.flatMap((i) => i.map().bounces.map((b) => b.type))).toEqual(['hard', 'hard', 'complaint']);
  });

  it('takes a bare SNS notification, as the subscription dead-letter queue keeps it, for replay', () => {
    const [item] = sesFromSnsEvent(fixture('sns-dead-letter-bounce'));
    expect(item?.topicArn).toBe(TOPIC);
    expect(item?.map().bounces).toHaveLength(2);
  });

  it('isolates a malformed record: it fails when mapped, naming the field; the others map', () => {
    const event = fixture('sns-lambda-event-two-records');
    event.Records[0].Sns.Message = '{"eventType":"Bounce","mail":{}}';
    event.Records.push({ EventSource: 'aws:sqs', Sns: {} });
    const items = sesFromSnsEvent(event);
    expect(items).toHaveLength(3);
    const first = thrown(() => items[0]?.map());
    expect(first).toBeInstanceOf(ValidationError);
    expect((first as ValidationError).field).toBe('Message.bounce');
    expect(items[1]?.map().bounces).toHaveLength(1);
    expect((thrown(() => items[2]?.map()) as ValidationError).field).toBe('Records[2].EventSource');
  });

  it('refuses a record that is not a Notification, naming Type', () => {
    const event = fixture('sns-lambda-event-bounce');
    event.Records[0].Sns.Type = 'SubscriptionConfirmation';
    const [item] = sesFromSnsEvent(event);
    expect((thrown(() => item?.map()) as ValidationError).field).toBe('Records[0].Sns.Type');
  });

  it('refuses an event without records, naming Records', () => {
    expect((thrown(() => sesFromSnsEvent({ Records: [] })) as ValidationError).field).toBe('Records');
    expect((thrown(() => sesFromSnsEvent('x')) as ValidationError).field).toBe('event');
  });

  it('names a record without TopicArn or Message', () => {
    for (const field of ['TopicArn', 'Message', 'MessageId']) {
      const event = fixture('sns-lambda-event-bounce');
      delete event.Records[0].Sns[field];
      const [item] = sesFromSnsEvent(event);
      expect((thrown(() => item?.map()) as ValidationError).field).toBe(`Records[0].Sns.${field}`);
    }
  });
});

describe('SES events from EventBridge (source aws.ses, detail = the event record)', () => {
  it('maps an Email Bounced event with the same event keys as the SNS message of the same record', () => {
    const mapping = sesFromEventBridge(fixture('eventbridge-bounce')).map();
    const viaSns = mapSesMessage(sesRecord('event-bounce'), {});
    expect(mapping.bounces.map((b) => b.event_key)).toEqual(viaSns.bounces.map((b) => b.event_key));
    expect(mapping.bounces.map((b) => [b.email, b.type, b.reason, b.campaign_uuid])).toEqual([
      ['jane@example.com', 'hard', 'user_unknown', '5b1e3c1a-8f2d-4c6e-9a7b-0d3f2e1c4b5a'],
      ['richard@example.net', 'hard', 'user_unknown', '5b1e3c1a-8f2d-4c6e-9a7b-0d3f2e1c4b5a'],
    ]);
    expect(mapping.bounces[0]?.meta).toMatchObject({ eventBridgeId: 'c3d4e5f6-a7b8-4901-8def-123456789012' });
    expect(mapping.bounces[0]?.created_at).toBe('2026-11-28T14:59:38.237Z');
  });

  it('maps an Email Complaint Received event to a complaint', () => {
    const mapping = sesFromEventBridge(fixture('eventbridge-complaint')).map();
    expect(mapping.bounces.map((b) => [b.email, b.type, b.event_key])).toEqual([
      [
        'richard@example.net',
        'complaint',
        'ses:complaint:0100018a1b2c3d4e-abab1111-2222-3333-4444-555566667777-000000:richard@example.net',
      ],
    ]);
  });

  it('counts a delivery as ignored', () => {
    expect(sesFromEventBridge(fixture('eventbridge-delivery')).map()).toEqual({
      bounces: [],
      ignored: 1,
      skipped: 0,
    });
  });

  it('names fields of the detail in errors', () => {
    const event = fixture('eventbridge-bounce');
    delete event.detail.bounce.feedbackId;
    const error = thrown(() => sesFromEventBridge(event).map()) as ValidationError;
    expect(error.field).toBe('detail.bounce.feedbackId');
  });

  it('refuses an event whose source is not aws.ses', () => {
    const event = fixture('eventbridge-bounce');
    event.source = 'my.app';
    expect((thrown(() => sesFromEventBridge(event)) as ValidationError).field).toBe('source');
  });
});
