import { describe, expect, it } from 'vitest';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import {
  checkSubscribeUrl,
  isSigningCertUrl,
  parseSnsMessage,
  type SnsMessage,
  stringToSign,
  topicRegion,
} from '../../../lambdas/core/providers/sns-message.js';
import { snsStringToSign } from '../../support/sns-signer.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-feedback';

const NOTIFICATION: SnsMessage = {
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: TOPIC,
  Message: '{"notificationType":"Bounce"}',
  Timestamp: '2026-11-28T15:00:03.000Z',
  SignatureVersion: '2',
  Signature: 'c2ln',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem',
};

const CONFIRMATION: SnsMessage = {
  Type: 'SubscriptionConfirmation',
  MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
  Token: '2336412f37fb',
  TopicArn: TOPIC,
  Message: 'You have chosen to subscribe.\nTo confirm the subscription, visit the SubscribeURL.',
  SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb`,
  Timestamp: '2026-11-28T14:00:00.751Z',
  SignatureVersion: '1',
  Signature: 'c2ln',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem',
};

describe('stringToSign', () => {
  it('lists a Notification without Subject as Message, MessageId, Timestamp, TopicArn, Type', () => {
    expect(stringToSign(NOTIFICATION)).toBe(
      'Message\n{"notificationType":"Bounce"}\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n' +
        `Timestamp\n2026-11-28T15:00:03.000Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
  });

  it('puts a Notification Subject between MessageId and Timestamp', () => {
    expect(stringToSign({ ...NOTIFICATION, Subject: 'Amazon SES Email Event Notification' })).toContain(
      'MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nAmazon SES Email Event Notification\nTimestamp\n',
    );
  });

  it('lists a confirmation with SubscribeURL and Token, keeping newlines of the Message as they are', () => {
    expect(stringToSign(CONFIRMATION)).toBe(
      `Message\n${CONFIRMATION.Message}\nMessageId\n${CONFIRMATION.MessageId}\nSubscribeURL\n${CONFIRMATION.SubscribeURL}\n` +
        `Timestamp\n${CONFIRMATION.Timestamp}\nToken\n2336412f37fb\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
  });

  it('signs an UnsubscribeConfirmation over its Token too (sns-validator 0.3.5 leaves it out)', () => {
    const unsubscribe = { ...CONFIRMATION, Type: 'UnsubscribeConfirmation' as const };
    expect(stringToSign(unsubscribe)).toContain('\nToken\n2336412f37fb\n');
  });

  it('leaves out fields SNS does not sign (SigningCertURL, UnsubscribeURL, Signature)', () => {
    const withExtras = {
      ...NOTIFICATION,
      UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
    };
    expect(stringToSign(withExtras as SnsMessage)).toBe(stringToSign(NOTIFICATION));
  });

  it('agrees with the test signer’s independent superset-list construction', () => {
    for (const message of [NOTIFICATION, { ...NOTIFICATION, Subject: 's' }, CONFIRMATION])
      expect(stringToSign(message)).toBe(snsStringToSign(message as unknown as Record<string, string>));
  });
});

describe('isSigningCertUrl', () => {
  it.each([
    [
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
      TOPIC,
    ],
    [
      'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:t',
    ],
    [
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
      'arn:aws-cn:sns:cn-north-1:123456789012:t',
    ],
    [
      'https://SNS.EU-WEST-1.AMAZONAWS.COM/SimpleNotificationService-abc.pem',
      'arn:aws:sns:eu-west-1:123456789012:t',
    ],
    ['https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-abc.pem', TOPIC],
  ])('accepts %s for its region’s topic', (url, topic) => {
    expect(isSigningCertUrl(url, topic)).toBe(true);
  });

  it.each([
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem',
    'https://sns-fips.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.a.b.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com./SimpleNotificationService-abc.pem',
    'https://s3.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.s3.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.s3-external-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.s3-accelerate.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem.txt',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a%2Fb.pem',
    'https://sns.us-east-1.amazonaws.com/x/../SimpleNotificationService-abc.crt',
    'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem',
    'https://u:p@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem#x',
    'not a url',
  ])('refuses %s for a us-east-1 topic', (url) => {
    expect(isSigningCertUrl(url, TOPIC)).toBe(false);
  });

  it.each([
    'arn:aws:sns:s3:123456789012:t',
    'arn:aws:sns:s3-external-1:123456789012:t',
    'arn:aws:sns:s3-accelerate:123456789012:t',
  ])('refuses any certificate for a TopicArn whose region is an S3 host name (%s)', (topic) => {
    const region = topic.split(':')[3];
    expect(
      isSigningCertUrl(`https://sns.${region}.amazonaws.com/SimpleNotificationService-abc.pem`, topic),
    ).toBe(false);
  });
});

describe('checkSubscribeUrl', () => {
  it('accepts the ConfirmSubscription URL of the topic in its own region, unchanged', () => {
    expect(checkSubscribeUrl(CONFIRMATION.SubscribeURL, TOPIC)).toBe(CONFIRMATION.SubscribeURL);
  });

  it('accepts a China-region topic on the .amazonaws.com.cn host', () => {
    const topic = 'arn:aws-cn:sns:cn-north-1:123456789012:ses-feedback';
    const url = `https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&TopicArn=${topic}&Token=t`;
    expect(checkSubscribeUrl(url, topic)).toBe(url);
  });

  it.each([
    ['another region', CONFIRMATION.SubscribeURL?.replace('us-east-1.amazonaws', 'eu-west-1.amazonaws')],
    ['plain http', CONFIRMATION.SubscribeURL?.replace('https:', 'http:')],
    ['a host off AWS', 'https://evil.example/?Action=ConfirmSubscription&Token=t'],
    ['an S3 bucket host', CONFIRMATION.SubscribeURL?.replace('sns.us-east-1.', 'sns.s3.')],
    ['an S3 external host', CONFIRMATION.SubscribeURL?.replace('sns.us-east-1.', 'sns.s3-external-1.')],
    ['userinfo', CONFIRMATION.SubscribeURL?.replace('https://', 'https://u:p@')],
    ['a port', CONFIRMATION.SubscribeURL?.replace('.com/', '.com:8443/')],
    ['another path', CONFIRMATION.SubscribeURL?.replace('.com/?', '.com/x?')],
    ['another action', CONFIRMATION.SubscribeURL?.replace('ConfirmSubscription', 'Subscribe')],
    ['no token', `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
    ['nothing', undefined],
  ])('refuses %s', (_, url) => {
    expect(() => checkSubscribeUrl(url, TOPIC)).toThrow(ValidationError);
  });

  it('refuses any URL when the TopicArn is not an SNS topic ARN', () => {
    expect(() =>
      checkSubscribeUrl(CONFIRMATION.SubscribeURL, 'arn:aws:sqs:us-east-1:123456789012:q'),
    ).toThrow(ValidationError);
  });
});

describe('topicRegion', () => {
  it('reads the region of a topic ARN in any partition', () => {
    expect(topicRegion(TOPIC)).toBe('us-east-1');
    expect(topicRegion('arn:aws-us-gov:sns:us-gov-west-1:123456789012:t.fifo')).toBe('us-gov-west-1');
  });

  it('reads no region from an ARN whose region part is not an AWS region name', () => {
    expect(topicRegion('arn:aws:sns:s3:123456789012:t')).toBeUndefined();
    expect(topicRegion('arn:aws:sns:s3-external-1:123456789012:t')).toBeUndefined();
  });
});

describe('parseSnsMessage', () => {
  it('reads an envelope posted as text/plain', () => {
    const parsed = parseSnsMessage(Buffer.from(JSON.stringify(NOTIFICATION)), {
      'content-type': 'text/plain',
    });
    expect(parsed.MessageId).toBe(NOTIFICATION.MessageId);
  });

  it('refuses a Subject that is not a string', () => {
    const body = Buffer.from(JSON.stringify({ ...NOTIFICATION, Subject: null }));
    expect(() => parseSnsMessage(body, {})).toThrow(UnauthenticatedError);
  });

  it('refuses a JSON array with the raw message delivery hint', () => {
    expect(() => parseSnsMessage(Buffer.from('[]'), {})).toThrow(/raw message delivery off/);
  });
});
