import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { ProviderOutcome } from '../../../lambdas/core/providers/provider.js';
import { sesProvider } from '../../../lambdas/core/providers/ses.js';
import { defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock } from '../../support/fakes.js';
import { FakeCertificateLoader, notification, snsRequest, TEST_TOPIC_ARN } from '../../support/sns-signer.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the parsed fixtures freely
type Json = Record<string, any>;

const SES = resolve(import.meta.dirname, '../../fixtures/sns/ses');
const CAMPAIGN = '5b1e3c1a-8f2d-4c6e-9a7b-0d3f2e1c4b5a';
const SUBSCRIBER = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const SNS_MESSAGE_ID = '7c2d7069-7db3-53c8-87d0-20476a630fb6';

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(SES, `${name}.json`), 'utf8'));
}

/** The fixture with its bounce object changed (a fresh copy each time). */
function bounceWith(change: Json, name = 'notification-bounce-permanent-dsn'): Json {
  const message = fixture(name);
  message.bounce = { ...message.bounce, ...change };
  return message;
}

async function outcome(message: unknown): Promise<Extract<ProviderOutcome, { kind: 'events' }>> {
  const settings = defaultSettings();
  settings.ses = { enabled: true, topic_arns: [TEST_TOPIC_ARN], auto_confirm: true };
  const result = await sesProvider.handle(snsRequest(notification(message)), settings.ses, {
    clock: new FakeClock(new Date('2027-01-15T12:00:00.000Z')),
    certificates: new FakeCertificateLoader(),
  });
  if (result.kind !== 'events') throw new Error(`expected events, got ${result.kind}`);
  return result;
}

async function bounces(message: unknown): Promise<BounceInput[]> {
  return (await outcome(message)).bounces;
}

async function only(message: unknown): Promise<BounceInput> {
  const list = await bounces(message);
  expect(list).toHaveLength(1);
  return list[0] as BounceInput;
}

describe('SES bounces', () => {
  it('makes one bounce per bounced recipient, not per destination', async () => {
    const list = await bounces(fixture('notification-bounce-permanent-dsn'));
    expect(list.map((b) => b.email)).toEqual(['jane@example.com', 'richard@example.net']);
  });

  it('maps a permanent bounce with a DSN to every field of the bounce', async () => {
    const [first] = await bounces(fixture('notification-bounce-permanent-dsn'));
    expect(first).toEqual({
      email: 'jane@example.com',
      type: 'hard',
      reason: 'user_unknown',
      status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 <jane@example.com>... User unknown',
      source: 'ses',
      campaign_uuid: CAMPAIGN,
      meta: {
        messageId: '0100018a1b2c3d4e-bbbb1111-2222-3333-4444-555566667777-000000',
        feedbackId: '0100018a1b2c3d4e-aaaa1111-2222-3333-4444-555566667777-000000',
        bounceType: 'Permanent',
        bounceSubType: 'General',
        reportingMTA: 'dsn; a8-20.smtp-out.amazonses.com',
        remoteMtaIp: '203.0.113.25',
        sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/lists.example.org',
        snsMessageId: SNS_MESSAGE_ID,
        topicArn: TEST_TOPIC_ARN,
        action: 'failed',
      },
      created_at: '2026-11-28T14:59:38.237Z',
      event_key: 'ses:bounce:0100018a1b2c3d4e-aaaa1111-2222-3333-4444-555566667777-000000:jane@example.com',
      resolve_by: 'email',
    });
  });

  it('maps Permanent/General without a 5.1.x status to a hard bounce of reason unknown', async () => {
    const bounce = await only(bounceWith({ bouncedRecipients: [{ emailAddress: 'jane@example.com' }] }));
    expect(bounce).toMatchObject({ type: 'hard', reason: 'unknown' });
  });

  it('maps Permanent/General with a 5.1.x code only in the diagnostic to user_unknown', async () => {
    const recipient = { emailAddress: 'jane@example.com', diagnosticCode: 'smtp; 550 5.1.1 no such user' };
    const bounce = await only(bounceWith({ bouncedRecipients: [recipient] }));
    expect(bounce).toMatchObject({ type: 'hard', reason: 'user_unknown', status: '5.1.1' });
  });

  it.each([
    ['Permanent', 'NoEmail', 'hard', 'user_unknown'],
    ['Permanent', 'Suppressed', 'hard', 'on_suppression_list'],
    ['Permanent', 'OnAccountSuppressionList', 'hard', 'on_suppression_list'],
    ['Transient', 'MailboxFull', 'soft', 'mailbox_full'],
    ['Transient', 'MessageTooLarge', 'soft', 'message_too_large'],
    ['Transient', 'ContentRejected', 'soft', 'content_rejected'],
    ['Transient', 'AttachmentRejected', 'soft', 'content_rejected'],
    ['Transient', 'General', 'soft', 'unknown'],
    ['Undetermined', 'Undetermined', 'soft', 'unknown'],
    ['PERMANENT', 'noemail', 'hard', 'user_unknown'],
  ])('maps %s/%s to a %s bounce of reason %s', async (bounceType, bounceSubType, type, reason) => {
    const recipient = { emailAddress: 'jane@example.com', status: '5.0.0' };
    const bounce = await only(bounceWith({ bounceType, bounceSubType, bouncedRecipients: [recipient] }));
    expect(bounce).toMatchObject({ type, reason });
  });

  it('maps a transient mailbox-full bounce to a soft bounce with subscriber and campaign', async () => {
    const bounce = await only(fixture('notification-bounce-transient-mailboxfull'));
    expect(bounce).toMatchObject({
      email: 'sam@example.org',
      type: 'soft',
      reason: 'mailbox_full',
      status: '5.2.2',
      campaign_uuid: CAMPAIGN,
      subscriber_uuid: SUBSCRIBER,
      created_at: '2026-11-28T15:10:00.100Z',
    });
  });

  it('maps an undetermined bounce without a DSN to a soft bounce of reason unknown', async () => {
    const bounce = await only(fixture('notification-bounce-undetermined'));
    expect(bounce).toMatchObject({ email: 'lee@example.com', type: 'soft', reason: 'unknown' });
    expect(bounce).not.toHaveProperty('status');
    expect(bounce).not.toHaveProperty('diagnostic');
  });

  it('keeps a campaign header that is not a UUID as meta.campaign_ref', async () => {
    const message = fixture('notification-bounce-undetermined');
    message.mail.headers.push({ name: 'X-STMAILS-CAMPAIGN', value: 'november-issue' });
    const bounce = await only(message);
    expect(bounce.campaign_uuid).toBeUndefined();
    expect(bounce.meta.campaign_ref).toBe('november-issue');
  });

  it('never copies the mail headers into meta', async () => {
    const [first] = await bounces(fixture('notification-bounce-permanent-dsn'));
    expect(JSON.stringify(first?.meta)).not.toMatch(/November issue|MIME-Version/);
  });

  it('truncates a diagnostic to 1000 characters', async () => {
    const recipient = {
      emailAddress: 'jane@example.com',
      status: '5.1.1',
      diagnosticCode: `smtp; ${'x'.repeat(3000)}`,
    };
    const bounce = await only(bounceWith({ bouncedRecipients: [recipient] }));
    expect(bounce.diagnostic).toHaveLength(1000);
  });

  it('normalises the bounce timestamp to UTC ISO with milliseconds', async () => {
    const bounce = await only(
      bounceWith({ timestamp: '2026-11-28T16:59:38+02:00' }, 'notification-bounce-undetermined'),
    );
    expect(bounce.created_at).toBe('2026-11-28T14:59:38.000Z');
  });

  it('skips a recipient whose address is unusable and keeps the others', async () => {
    const list = [{ emailAddress: 'not an address' }, { emailAddress: 'Jane Doe <Jane@Example.com>' }];
    const result = await outcome(bounceWith({ bouncedRecipients: list }));
    expect(result.bounces.map((b) => b.email)).toEqual(['jane@example.com']);
    expect(result.skipped).toBe(1);
  });

  it('gives the event-publishing form of a bounce the same event key as the notification form', async () => {
    const fromNotification = await bounces(fixture('notification-bounce-permanent-dsn'));
    const fromEvent = await bounces(fixture('event-bounce'));
    expect(fromEvent.map((b) => b.event_key)).toEqual(fromNotification.map((b) => b.event_key));
    expect(fromEvent[0]).toMatchObject({ type: 'hard', reason: 'user_unknown', campaign_uuid: CAMPAIGN });
  });
});

describe('SES complaints', () => {
  it('maps an abuse complaint to a complaint with its feedback type in meta', async () => {
    const complaint = await only(fixture('notification-complaint-abuse'));
    expect(complaint).toMatchObject({
      email: 'richard@example.net',
      type: 'complaint',
      reason: 'complaint',
      source: 'ses',
      campaign_uuid: CAMPAIGN,
      subscriber_uuid: SUBSCRIBER,
      created_at: '2026-11-28T17:00:00.000Z',
      event_key:
        'ses:complaint:0100018a1b2c3d4e-abab1111-2222-3333-4444-555566667777-000000:richard@example.net',
      resolve_by: 'email',
      meta: {
        complaintFeedbackType: 'abuse',
        userAgent: 'ExampleMail Feedback Loop (V0.01)',
        feedbackId: '0100018a1b2c3d4e-abab1111-2222-3333-4444-555566667777-000000',
      },
    });
  });

  it('ignores a not-spam report', async () => {
    const result = await outcome(fixture('notification-complaint-not-spam'));
    expect(result).toEqual({ kind: 'events', bounces: [], ignored: 1, skipped: 0 });
  });

  it('records a complaint without a feedback report (no complaintFeedbackType)', async () => {
    const message = fixture('notification-complaint-abuse');
    delete message.complaint.complaintFeedbackType;
    delete message.complaint.userAgent;
    const complaint = await only(message);
    expect(complaint).toMatchObject({ type: 'complaint', reason: 'complaint' });
    expect(complaint.meta).not.toHaveProperty('complaintFeedbackType');
  });

  it('keeps complaintSubType in meta', async () => {
    const message = fixture('notification-complaint-abuse');
    message.complaint.complaintSubType = 'OnAccountSuppressionList';
    expect((await only(message)).meta.complaintSubType).toBe('OnAccountSuppressionList');
  });

  it('gives the event-publishing form of a complaint the same event key as the notification form', async () => {
    const fromNotification = await only(fixture('notification-complaint-abuse'));
    const fromEvent = await only(fixture('event-complaint'));
    expect(fromEvent.event_key).toBe(fromNotification.event_key);
  });
});

describe('SES events that are not bounces', () => {
  it.each(['event-delivery', 'event-deliverydelay', 'event-open'])('ignores %s', async (name) => {
    expect(await outcome(fixture(name))).toEqual({ kind: 'events', bounces: [], ignored: 1, skipped: 0 });
  });

  it.each(['Send', 'Click', 'Reject', 'Rendering Failure', 'Subscription', 'SomethingNew'])(
    'ignores an event of type %s',
    async (eventType) => {
      const result = await outcome({ eventType, mail: { messageId: 'm' } });
      expect(result).toEqual({ kind: 'events', bounces: [], ignored: 1, skipped: 0 });
    },
  );

  it('ignores an identity Delivery notification', async () => {
    const result = await outcome({ notificationType: 'Delivery', mail: { messageId: 'm' }, delivery: {} });
    expect(result.ignored).toBe(1);
  });
});

describe('SES messages that are malformed', () => {
  it('refuses a Message that is not JSON with 400', async () => {
    await expect(outcome('Hello from the SNS console')).rejects.toThrow(ValidationError);
  });

  it('refuses a Message that is neither a notification nor an event with 400', async () => {
    await expect(outcome({ hello: 'world' })).rejects.toThrow(/notificationType or eventType/);
  });

  it('refuses a bounce without feedbackId with 400 naming the field', async () => {
    const message = fixture('notification-bounce-undetermined');
    delete message.bounce.feedbackId;
    await expect(outcome(message)).rejects.toThrow(/Message\.bounce\.feedbackId/);
  });

  it('refuses a bounce without bouncedRecipients with 400 naming the field', async () => {
    const message = fixture('notification-bounce-undetermined');
    delete message.bounce.bouncedRecipients;
    await expect(outcome(message)).rejects.toThrow(/Message\.bounce\.bouncedRecipients/);
  });

  it('refuses a bounce whose timestamp is not a date with 400', async () => {
    await expect(outcome(bounceWith({ timestamp: 'yesterday' }))).rejects.toThrow(
      /Message\.bounce\.timestamp/,
    );
  });

  it('refuses a complaint without its complaint object with 400', async () => {
    const message = fixture('notification-complaint-abuse');
    delete message.complaint;
    await expect(outcome(message)).rejects.toThrow(/Message\.complaint/);
  });
});
