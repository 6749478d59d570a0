import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordDeps } from '../../../lambdas/core/bounces/record-bounce.js';
import { DisabledError, ForbiddenError, ValidationError } from '../../../lambdas/core/errors.js';
import { sesProvider } from '../../../lambdas/core/providers/ses.js';
import { sesFromEventBridge, sesFromSnsEvent } from '../../../lambdas/core/providers/ses-aws-events.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../../lambdas/handlers/http/error-response.js';
import { createSesFeedbackHandler } from '../../../lambdas/handlers/ses/ses-feedback-function.js';
import { createProviderWebhookHandler } from '../../../lambdas/handlers/webhooks/provider-webhook.js';
import { recordDepsOver, type TestTable, testTable } from '../../support/dynamodb.js';
import { apiEvent } from '../../support/events.js';
import { FakeClock, silentLogger } from '../../support/fakes.js';
import { FakeCertificateLoader, notification } from '../../support/sns-signer.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the parsed fixtures freely
type Json = Record<string, any>;

const NATIVE = resolve(import.meta.dirname, '../../fixtures/ses-native');
const SES = resolve(import.meta.dirname, '../../fixtures/sns/ses');
/** The topic the SNS Lambda fixtures name; the HTTPS path's signed messages name it too here. */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:stmails-ses-feedback';

function native(name: string): Json {
  return JSON.parse(readFileSync(join(NATIVE, `${name}.json`), 'utf8'));
}

function sesRecord(name: string): Json {
  return JSON.parse(readFileSync(join(SES, `${name}.json`), 'utf8'));
}

function settingsWith(change: { enabled?: boolean; ses?: boolean; topics?: string[] } = {}): BounceSettings {
  return effectiveSettings(
    {
      enabled: change.enabled ?? true,
      webhooks_enabled: true,
      ses: { enabled: change.ses ?? true, topic_arns: change.topics ?? [TOPIC], auto_confirm: true },
    },
    undefined,
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * The real handlers over dynalite: the SNS Lambda and EventBridge functions, and the HTTPS webhook
 * (SNS-signed with the test key) beside them, so an event arriving by two paths is seen to count once.
 */
describe('SES feedback without a public endpoint (SNS Lambda subscription, EventBridge)', () => {
  let table: TestTable;
  let record: RecordDeps;
  let settings: BounceSettings;
  let sns: (event: unknown) => Promise<unknown>;
  let eventBridge: (event: unknown) => Promise<unknown>;
  let https: (message: unknown) => Promise<{ status: number; body: Json }>;

  const count = async (email: string) => {
    const byType = await table.bounces.countByType(email);
    return byType.hard + byType.soft + byType.complaint;
  };

  beforeEach(async () => {
    table = await testTable();
    record = recordDepsOver(table, new FakeClock(new Date('2027-01-15T12:00:00.000Z')));
    settings = settingsWith();
    const deps = { record, settings: { get: async () => settings }, logger: silentLogger };
    sns = createSesFeedbackHandler('sns-lambda', sesFromSnsEvent, deps);
    eventBridge = createSesFeedbackHandler('eventbridge', (e) => [sesFromEventBridge(e)], deps);
    const webhook = createProviderWebhookHandler(sesProvider, {
      record,
      settings: { get: async () => settings },
      certificates: new FakeCertificateLoader(),
      confirmer: { confirm: async () => undefined },
      logger: silentLogger,
    });
    https = async (message) => {
      const res = await webhook(
        apiEvent({
          method: 'POST',
          resource: '/webhooks/service/{provider}',
          body: JSON.stringify(notification(message, { TopicArn: TOPIC })),
          headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
          permissions: null,
        }),
      ).catch((error) => errorResponse(error, silentLogger));
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
  });

  it('records each bounced recipient of an SNS Lambda event', async () => {
    expect(await sns(native('sns-lambda-event-bounce'))).toEqual({
      recorded: 2,
      duplicates: 0,
      rejected: 0,
      ignored: 0,
      skipped: 0,
    });
    expect(await count('jane@example.com')).toBe(1);
    expect(await count('richard@example.net')).toBe(1);
  });

  it('counts a bounce once when it arrives by HTTPS and by the SNS Lambda subscription', async () => {
    const res = await https(sesRecord('event-bounce'));
    expect(res.body.data).toMatchObject({ recorded: 2, duplicates: 0 });
    expect(await sns(native('sns-lambda-event-bounce'))).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(await count('jane@example.com')).toBe(1);
    expect(await count('richard@example.net')).toBe(1);
  });

  it('counts a bounce once when it arrives by EventBridge and then by HTTPS', async () => {
    expect(await eventBridge(native('eventbridge-bounce'))).toMatchObject({ recorded: 2, duplicates: 0 });
    const res = await https(sesRecord('event-bounce'));
    expect(res.body.data).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(await count('jane@example.com')).toBe(1);
  });

  it('counts a complaint once by HTTPS and EventBridge', async () => {
    await https(sesRecord('event-complaint'));
    expect(await eventBridge(native('eventbridge-complaint'))).toMatchObject({ recorded: 0, duplicates: 1 });
    expect((await table.bounces.countByType('richard@example.net')).complaint).toBe(1);
  });

  it('counts an EventBridge redelivery once', async () => {
    await eventBridge(native('eventbridge-bounce'));
    expect(await eventBridge(native('eventbridge-bounce'))).toMatchObject({ recorded: 0, duplicates: 2 });
  });

  it('acknowledges a delivery event without recording', async () => {
    expect(await eventBridge(native('eventbridge-delivery'))).toEqual({
      recorded: 0,
      duplicates: 0,
      rejected: 0,
      ignored: 1,
      skipped: 0,
    });
  });

  it.each([
    ['enabled', { enabled: false }],
    ['ses.enabled', { ses: false }],
  ])(
    'throws while %s is off, recording nothing, so AWS retries and keeps the event',
    async (name, change) => {
      settings = settingsWith(change);
      for (const attempt of [
        sns(native('sns-lambda-event-bounce')),
        eventBridge(native('eventbridge-bounce')),
      ]) {
        const error = await rejection(attempt);
        expect(error).toBeInstanceOf(DisabledError);
        expect((error as Error).message).toContain(name);
      }
      expect(await count('jane@example.com')).toBe(0);
      // Switched on again, the retried (or replayed) event is recorded.
      settings = settingsWith();
      expect(await sns(native('sns-lambda-event-bounce'))).toMatchObject({ recorded: 2 });
    },
  );

  it('does not need webhooks_enabled', async () => {
    settings = { ...settingsWith(), webhooks_enabled: false };
    expect(await eventBridge(native('eventbridge-bounce'))).toMatchObject({ recorded: 2 });
  });

  it('records the good records of an event and then throws for a malformed one, naming its field', async () => {
    const event = native('sns-lambda-event-two-records');
    event.Records[0].Sns.Message = '{"eventType":"Bounce","mail":{}}';
    const error = await rejection(sns(event));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('Message.bounce');
    expect((await table.bounces.countByType('richard@example.net')).complaint).toBe(1);
  });

  it('throws for a topic not in ses.topic_arns and records nothing from it', async () => {
    settings = settingsWith({ topics: ['arn:aws:sns:us-east-1:123456789012:other'] });
    const error = await rejection(sns(native('sns-lambda-event-bounce')));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(await count('jane@example.com')).toBe(0);
  });

  it('throws on a storage failure, and the retry records each bounce once', async () => {
    let down = true;
    const subscribers = new Proxy(table.subscribers, {
      get(target, prop, receiver) {
        if (prop === 'findByEmail' && down)
          return async () => Promise.reject(new Error('storage unavailable'));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const failing = createSesFeedbackHandler('eventbridge', (e) => [sesFromEventBridge(e)], {
      record: { ...record, subscribers },
      settings: { get: async () => settings },
      logger: silentLogger,
    });
    expect(await rejection(failing(native('eventbridge-bounce')))).toBeInstanceOf(Error);
    down = false;
    expect(await failing(native('eventbridge-bounce'))).toMatchObject({ recorded: 2, duplicates: 0 });
    expect(await failing(native('eventbridge-bounce'))).toMatchObject({ recorded: 0, duplicates: 2 });
  });

  it('replays a dead letter by its body as it is: the function failure record, or what SNS kept', async () => {
    expect(await eventBridge(native('lambda-on-failure-eventbridge-bounce'))).toMatchObject({ recorded: 2 });
    expect(await sns(native('sns-dead-letter-bounce'))).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(await count('jane@example.com')).toBe(1);
  });
});
