import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';

const SES = resolve(import.meta.dirname, '../../fixtures/sns/ses');
const record = (name: string) => readFileSync(resolve(SES, name), 'utf8');

/** An SNS topic's e-mail subscription: the SES record as the body ("email"), or in an envelope ("email-json"). */
function mail(body: string): string {
  return [
    'From: AWS Notifications <no-reply@sns.amazonaws.com>',
    'To: bounces@sender.test',
    'Subject: AWS Notification Message',
    'Message-ID: <0100018a-sns-mail@email.amazonses.com>',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    body,
  ].join('\n');
}

function envelope(message: string): string {
  return JSON.stringify(
    {
      Type: 'Notification',
      MessageId: '02f86d9b-eecf-573d-b47d-3d1850750c30',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-bounces',
      Message: JSON.stringify(JSON.parse(message)),
      Timestamp: '2026-11-28T14:59:38.294Z',
    },
    null,
    2,
  );
}

const BOUNCED = [
  ['jane@example.com', '5.1.1', true],
  ['richard@example.net', '5.1.1', true],
];

describe('an Amazon SES notification delivered by e-mail', () => {
  it('reads the raw SES record of an "email" subscription', async () => {
    const parsed = await parseBounce(mail(record('notification-bounce-permanent-dsn.json')));
    expect(parsed.kind).toBe('bounce');
    expect(parsed.recipients.map((r) => [r.email, r.status, r.hard])).toEqual(BOUNCED);
  });

  it('unwraps the SNS envelope of an "email-json" subscription to the same answer', async () => {
    const parsed = await parseBounce(mail(envelope(record('notification-bounce-permanent-dsn.json'))));
    expect(parsed.kind).toBe('bounce');
    expect(parsed.recipients.map((r) => [r.email, r.status, r.hard])).toEqual(BOUNCED);
  });

  it('answers a complaint in an envelope as feedback', async () => {
    const parsed = await parseBounce(mail(envelope(record('notification-complaint-abuse.json'))));
    expect(parsed).toMatchObject({ kind: 'feedback', is_bounce: false, feedback_type: 'abuse' });
    expect(parsed.recipients.map((r) => [r.email, r.reason])).toEqual([['richard@example.net', 'complaint']]);
  });
});
