import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  InternalError,
  UnauthenticatedError,
  ValidationError,
} from '../../../lambdas/core/errors.js';
import type { CertificateLoader, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { sesProvider } from '../../../lambdas/core/providers/ses.js';
import { type BounceSettings, defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock } from '../../support/fakes.js';
import {
  FakeCertificateLoader,
  notification,
  type SnsBody,
  sign,
  snsRequest,
  subscriptionConfirmation,
  TEST_SUBSCRIBE_URL,
  TEST_TOKEN,
  TEST_TOPIC_ARN,
  unsubscribeConfirmation,
} from '../../support/sns-signer.js';

const SES_BOUNCE = {
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'jane@example.com', status: '5.1.1', action: 'failed' }],
    timestamp: '2026-11-28T14:59:38.237Z',
    feedbackId: '0100018a1b2c3d4e-aaaa1111-000000',
  },
  mail: { messageId: '0100018a1b2c3d4e-bbbb-000000', destination: ['jane@example.com'] },
};

function settings(change: Partial<BounceSettings['ses']> = {}): BounceSettings {
  const s = defaultSettings();
  s.ses = { enabled: true, topic_arns: [TEST_TOPIC_ARN], auto_confirm: true, ...change };
  return s;
}

function handle(
  request: ProviderRequest,
  options: { settings?: BounceSettings; certificates?: CertificateLoader; now?: string } = {},
) {
  return sesProvider.handle(request, (options.settings ?? settings()).ses, {
    clock: new FakeClock(new Date(options.now ?? '2027-01-15T12:00:00.000Z')),
    certificates: options.certificates ?? new FakeCertificateLoader(),
  });
}

/** The error a promise rejects with, checked for its class and its (short, public) message. */
async function rejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp) {
  const error = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
}

function withCertUrl(url: string): SnsBody {
  return notification(SES_BOUNCE, { SigningCertURL: url });
}

describe('sesProvider: the SNS envelope and its signature', () => {
  it('is the SES provider and verifies before the enabled check', () => {
    expect(sesProvider.name).toBe('ses');
    expect(sesProvider.verifiesBeforeEnabledCheck).toBe(true);
  });

  it('accepts a notification signed with SignatureVersion 1 (RSA-SHA1)', async () => {
    const outcome = await handle(snsRequest(notification(SES_BOUNCE, {}, { version: '1' })));
    expect(outcome).toMatchObject({ kind: 'events', ignored: 0, skipped: 0 });
    expect(outcome.kind === 'events' && outcome.bounces.map((b) => b.email)).toEqual(['jane@example.com']);
  });

  it('accepts a notification with a Subject signed with SignatureVersion 2 (RSA-SHA256)', async () => {
    const body = notification(
      SES_BOUNCE,
      { Subject: 'Amazon SES Email Event Notification' },
      { version: '2' },
    );
    const outcome = await handle(snsRequest(body));
    expect(outcome.kind === 'events' && outcome.bounces).toHaveLength(1);
  });

  it('loads the certificate from the SigningCertURL of the message', async () => {
    const certificates = new FakeCertificateLoader();
    const body = notification(SES_BOUNCE);
    await handle(snsRequest(body), { certificates });
    expect(certificates.requested).toEqual([body.SigningCertURL]);
  });

  it('refuses a signature made with another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const forged = notification(
      SES_BOUNCE,
      {},
      { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
    );
    await rejection(handle(snsRequest(forged)), UnauthenticatedError, /signature is invalid/);
  });

  it('refuses a Message altered after signing', async () => {
    const body = notification(SES_BOUNCE);
    const altered = { ...body, Message: body.Message?.replace('jane@example.com', 'victim@example.com') };
    await rejection(handle(snsRequest(altered as SnsBody)), UnauthenticatedError, /signature is invalid/);
  });

  it('refuses a Subject added after signing', async () => {
    const body = { ...notification(SES_BOUNCE), Subject: 'added' };
    await rejection(handle(snsRequest(body)), UnauthenticatedError, /signature is invalid/);
  });

  it('refuses a SignatureVersion it does not know', async () => {
    const body = { ...notification(SES_BOUNCE), SignatureVersion: '3' };
    await rejection(handle(snsRequest(body)), UnauthenticatedError, /SignatureVersion/);
  });

  it.each([
    [
      'a host that only ends like SNS',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem',
    ],
    ['an S3 host under amazonaws.com', 'https://s3.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['a nested SNS-looking host', 'https://sns.a.b.amazonaws.com/SimpleNotificationService-abc.pem'],
    ['the S3 bucket host sns.s3', 'https://sns.s3.amazonaws.com/SimpleNotificationService-abc.pem'],
    [
      'the S3 bucket host sns.s3-external-1',
      'https://sns.s3-external-1.amazonaws.com/SimpleNotificationService-abc.pem',
    ],
    [
      'the S3 accelerate host sns.s3-accelerate',
      'https://sns.s3-accelerate.amazonaws.com/SimpleNotificationService-abc.pem',
    ],
    [
      "SNS in a region other than the topic's",
      'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
    ],
    [
      'the China suffix for a region outside China',
      'https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
    ],
  ])('refuses a certificate on the wrong host (%s) without fetching it', async (_, url) => {
    const certificates = new FakeCertificateLoader();
    await rejection(
      handle(snsRequest(withCertUrl(url)), { certificates }),
      UnauthenticatedError,
      /SigningCertURL/,
    );
    expect(certificates.requested).toEqual([]);
  });

  it('refuses a certificate URL over plain http', async () => {
    const url = 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem';
    await rejection(handle(snsRequest(withCertUrl(url))), UnauthenticatedError, /SigningCertURL/);
  });

  it.each([
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.crt',
    'https://sns.us-east-1.amazonaws.com/other/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1',
  ])('refuses a certificate path that is not an SNS .pem file: %s', async (url) => {
    await rejection(handle(snsRequest(withCertUrl(url))), UnauthenticatedError, /SigningCertURL/);
  });

  it('refuses a certificate URL with a port', async () => {
    const url = 'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem';
    await rejection(handle(snsRequest(withCertUrl(url))), UnauthenticatedError, /SigningCertURL/);
  });

  it('refuses a certificate URL with userinfo', async () => {
    const url = 'https://user:pass@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem';
    await rejection(handle(snsRequest(withCertUrl(url))), UnauthenticatedError, /SigningCertURL/);
  });

  it('refuses a certificate that has expired at the clock’s now', async () => {
    const promise = handle(snsRequest(notification(SES_BOUNCE)), { now: '2127-01-01T00:00:00.000Z' });
    await rejection(promise, UnauthenticatedError, /not valid at this time/);
  });

  it('refuses a certificate that is not yet valid at the clock’s now', async () => {
    const promise = handle(snsRequest(notification(SES_BOUNCE)), { now: '2020-01-01T00:00:00.000Z' });
    await rejection(promise, UnauthenticatedError, /not valid at this time/);
  });

  it('refuses a certificate that does not parse', async () => {
    const certificates = new FakeCertificateLoader(
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    );
    const promise = handle(snsRequest(notification(SES_BOUNCE)), { certificates });
    await rejection(promise, UnauthenticatedError, /not a certificate/);
  });

  it('does not check the message Timestamp for freshness (SNS redelivers old messages)', async () => {
    const old = notification(SES_BOUNCE, { Timestamp: '2026-01-01T00:00:00.000Z' });
    const outcome = await handle(snsRequest(old), { now: '2027-06-01T00:00:00.000Z' });
    expect(outcome.kind).toBe('events');
  });

  it('passes on a certificate loader outage as it is (not as a 401), so SNS retries', async () => {
    const certificates: CertificateLoader = {
      load: () => Promise.reject(new InternalError('could not fetch the SNS signing certificate')),
    };
    await expect(handle(snsRequest(notification(SES_BOUNCE)), { certificates })).rejects.toThrow(
      InternalError,
    );
  });
});

describe('sesProvider: bodies that are not SNS envelopes', () => {
  it('answers a raw-delivery body (bare SES JSON) with 401 and the raw message delivery hint', async () => {
    await rejection(
      handle(snsRequest(JSON.stringify(SES_BOUNCE))),
      UnauthenticatedError,
      /raw message delivery off/,
    );
  });

  it('answers a request marked x-amz-sns-rawdelivery with the same hint', async () => {
    const request = snsRequest(notification(SES_BOUNCE), { 'x-amz-sns-rawdelivery': 'true' });
    await rejection(handle(request), UnauthenticatedError, /raw message delivery off/);
  });

  it('answers a body that is not JSON with 401', async () => {
    await expect(handle(snsRequest('Type=Notification&Message=x'))).rejects.toThrow(UnauthenticatedError);
  });

  it('answers an envelope missing a signed field with 401', async () => {
    const { MessageId: _, ...body } = notification(SES_BOUNCE);
    await expect(handle(snsRequest(body as SnsBody))).rejects.toThrow(UnauthenticatedError);
  });

  it('answers an unknown SNS message Type with 401', async () => {
    const body = sign({
      Type: 'Other',
      MessageId: 'm',
      TopicArn: TEST_TOPIC_ARN,
      Message: 'x',
      Timestamp: 't',
    });
    await expect(handle(snsRequest(body))).rejects.toThrow(UnauthenticatedError);
  });
});

describe('sesProvider: allowed topics', () => {
  it('refuses a validly signed message from a topic not allowed with 403', async () => {
    const body = notification(SES_BOUNCE, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else' });
    await rejection(handle(snsRequest(body)), ForbiddenError, /not allowed \(settings: ses\.topic_arns\)/);
  });

  it('refuses every topic while the allowed list is empty', async () => {
    await expect(
      handle(snsRequest(notification(SES_BOUNCE)), { settings: settings({ topic_arns: [] }) }),
    ).rejects.toThrow(ForbiddenError);
  });

  it('refuses a topic not allowed with 403 before fetching its (valid-looking) certificate', async () => {
    const certificates = new FakeCertificateLoader();
    const body = notification(SES_BOUNCE, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:x' });
    await rejection(handle(snsRequest(body), { certificates }), ForbiddenError, /not allowed/);
    expect(certificates.requested).toEqual([]);
  });

  it('refuses a forged message from a topic not allowed with 403, fetching nothing', async () => {
    const certificates = new FakeCertificateLoader();
    const body = {
      ...notification(SES_BOUNCE, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:x' }),
      Message: '{}',
    };
    await rejection(handle(snsRequest(body), { certificates }), ForbiddenError, /not allowed/);
    expect(certificates.requested).toEqual([]);
  });

  it('refuses an allowed topic whose region is an S3 host name, fetching nothing', async () => {
    const topic = 'arn:aws:sns:s3:123456789012:ses-feedback';
    const certificates = new FakeCertificateLoader();
    const body = notification(SES_BOUNCE, {
      TopicArn: topic,
      SigningCertURL: 'https://sns.s3.amazonaws.com/SimpleNotificationService-abc.pem',
    });
    const promise = handle(snsRequest(body), { certificates, settings: settings({ topic_arns: [topic] }) });
    await rejection(promise, UnauthenticatedError, /SigningCertURL/);
    expect(certificates.requested).toEqual([]);
  });

  it('refuses a subscription confirmation from a topic not allowed with 403', async () => {
    const other = 'arn:aws:sns:us-east-1:999999999999:someone-else';
    const body = subscriptionConfirmation({
      TopicArn: other,
      SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${other}&Token=abc`,
    });
    await expect(handle(snsRequest(body))).rejects.toThrow(ForbiddenError);
  });
});

describe('sesProvider: subscription confirmations', () => {
  it('answers a verified SubscriptionConfirmation of an allowed topic with a confirm outcome', async () => {
    const outcome = await handle(snsRequest(subscriptionConfirmation({}, { version: '2' })));
    expect(outcome).toEqual({ kind: 'confirm', subscribeUrl: TEST_SUBSCRIBE_URL, topicArn: TEST_TOPIC_ARN });
  });

  it('acknowledges without confirming while ses.auto_confirm is off', async () => {
    const outcome = await handle(snsRequest(subscriptionConfirmation()), {
      settings: settings({ auto_confirm: false }),
    });
    expect(outcome).toMatchObject({ kind: 'ack', note: expect.stringMatching(/auto_confirm/) });
  });

  it('refuses a confirmation whose signature does not verify, with no confirm outcome', async () => {
    const body = { ...subscriptionConfirmation(), Token: 'changed' };
    await rejection(handle(snsRequest(body)), UnauthenticatedError, /signature is invalid/);
  });

  it('refuses a SubscribeURL off AWS (no request is asked for)', async () => {
    const body = subscriptionConfirmation({
      SubscribeURL: `https://evil.example/?Action=ConfirmSubscription&Token=${TEST_TOKEN}`,
    });
    await rejection(handle(snsRequest(body)), ValidationError, /SubscribeURL/);
  });

  it("refuses a SubscribeURL in another region than the topic's", async () => {
    const url = TEST_SUBSCRIBE_URL.replace('sns.us-east-1.', 'sns.eu-west-1.');
    await rejection(
      handle(snsRequest(subscriptionConfirmation({ SubscribeURL: url }))),
      ValidationError,
      /region/,
    );
  });

  it.each(['sns.s3.', 'sns.s3-external-1.', 'sns.s3-accelerate.'])(
    'refuses a SubscribeURL on the S3 host %s (no request is asked for)',
    async (host) => {
      const url = TEST_SUBSCRIBE_URL.replace('sns.us-east-1.', host);
      await rejection(
        handle(snsRequest(subscriptionConfirmation({ SubscribeURL: url }))),
        ValidationError,
        /SubscribeURL/,
      );
    },
  );

  it('refuses a SubscribeURL that is not a ConfirmSubscription of the topic', async () => {
    const url = TEST_SUBSCRIBE_URL.replace('ses-feedback&', 'other-topic&');
    const promise = handle(snsRequest(subscriptionConfirmation({ SubscribeURL: url })));
    await rejection(promise, ValidationError, /ConfirmSubscription request for the topic/);
  });

  it('acknowledges a verified UnsubscribeConfirmation and never asks to follow its SubscribeURL', async () => {
    const outcome = await handle(snsRequest(unsubscribeConfirmation({}, { version: '1' })));
    expect(outcome.kind).toBe('ack');
  });

  it('refuses an UnsubscribeConfirmation whose Token was changed (Token is signed)', async () => {
    const body = { ...unsubscribeConfirmation(), Token: 'changed' };
    await rejection(handle(snsRequest(body)), UnauthenticatedError, /signature is invalid/);
  });
});
