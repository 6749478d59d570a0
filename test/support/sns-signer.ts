import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CertificateLoader, ProviderRequest } from '../../lambdas/core/providers/provider.js';

/**
 * Signs SNS messages the way SNS does, with the TEST-ONLY key in test/fixtures/sns. The string to
 * sign is built here on its own (the superset key list of AWS's PHP and Ruby validators), not with
 * the code under test, so a shared mistake cannot make both sides agree.
 */

const FIXTURES = resolve(import.meta.dirname, '../fixtures/sns');

export const TEST_KEY_PEM = readFileSync(join(FIXTURES, 'TEST-ONLY-signing-key.pem'), 'utf8');
export const TEST_CERT_PEM = readFileSync(join(FIXTURES, 'TEST-ONLY-signing-cert.pem'), 'utf8');
export const TEST_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-TESTONLY0000000000000000000000.pem';
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ses-feedback';
export const TEST_TOKEN = '2336412f37fb687f5d51e6e2425f004aed6e11cd1a6a7d3a';
export const TEST_SUBSCRIBE_URL = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TEST_TOPIC_ARN}&Token=${TEST_TOKEN}`;

const SIGNED_KEYS = [
  'Message',
  'MessageId',
  'Subject',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
];

export type SnsBody = Record<string, string>;

export interface SignOptions {
  version?: '1' | '2';
  /** Another private key (PEM) to forge with. */
  key?: string;
}

export function snsStringToSign(body: SnsBody): string {
  return SIGNED_KEYS.filter((key) => key in body)
    .map((key) => `${key}\n${body[key]}\n`)
    .join('');
}

export function sign(fields: SnsBody, options: SignOptions = {}): SnsBody {
  const version = options.version ?? '1';
  const body: SnsBody = { SigningCertURL: TEST_CERT_URL, ...fields, SignatureVersion: version };
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  body.Signature = signer.update(snsStringToSign(body), 'utf8').sign(options.key ?? TEST_KEY_PEM, 'base64');
  return body;
}

/** A signed Notification carrying `message` (an object is serialised as SES does). */
export function notification(message: unknown, fields: SnsBody = {}, options: SignOptions = {}): SnsBody {
  return sign(
    {
      Type: 'Notification',
      MessageId: '7c2d7069-7db3-53c8-87d0-20476a630fb6',
      TopicArn: TEST_TOPIC_ARN,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: '2026-11-28T15:00:00.123Z',
      UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TEST_TOPIC_ARN}:c9135db0`,
      ...fields,
    },
    options,
  );
}

export function subscriptionConfirmation(fields: SnsBody = {}, options: SignOptions = {}): SnsBody {
  return sign(
    {
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: TEST_TOKEN,
      TopicArn: TEST_TOPIC_ARN,
      Message: `You have chosen to subscribe to the topic ${TEST_TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: TEST_SUBSCRIBE_URL,
      Timestamp: '2026-11-28T14:00:00.751Z',
      ...fields,
    },
    options,
  );
}

export function unsubscribeConfirmation(fields: SnsBody = {}, options: SignOptions = {}): SnsBody {
  return subscriptionConfirmation(
    {
      Type: 'UnsubscribeConfirmation',
      MessageId: '47138184-6831-46b8-8f7c-afc488602d7d',
      Message: `You have chosen to deactivate subscription ${TEST_TOPIC_ARN}:2bcfbf39.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
      ...fields,
    },
    options,
  );
}

/** The request as SNS posts it: JSON as text/plain, with its routing headers. */
export function snsRequest(body: SnsBody | string, headers: Record<string, string> = {}): ProviderRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const type = typeof body === 'string' ? undefined : body.Type;
  return {
    rawBody: Buffer.from(text, 'utf8'),
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      ...(type ? { 'x-amz-sns-message-type': type } : {}),
      ...headers,
    },
  };
}

/** Serves the TEST-ONLY certificate and remembers which URLs were asked for. */
export class FakeCertificateLoader implements CertificateLoader {
  readonly requested: string[] = [];
  constructor(private readonly pem = TEST_CERT_PEM) {}
  async load(url: string, _topicArn: string): Promise<string> {
    this.requested.push(url);
    return this.pem;
  }
}
