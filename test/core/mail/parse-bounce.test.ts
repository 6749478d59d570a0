import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { crlf, fixture, fixtureNames } from './fixtures.js';

const CAMPAIGN = '6e2a4c1b-9f3d-4e7a-8b1c-2d3e4f5a6b7c';

describe('parseBounce: RFC 3464 delivery-status reports', () => {
  it.each(['dsn-two-recipients.eml', 'dsn-rfc822-headers.eml'])(
    '%s: both recipient blocks, the folded diagnostic and the original headers',
    async (name) => {
      const parsed = await parseBounce(fixture(name));
      expect(parsed).toMatchObject({
        kind: 'bounce',
        is_bounce: true,
        // Upper-case in the header; stored lower-case like every UUID.
        campaign: CAMPAIGN,
        subscriber: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
        message_id: '<20241112091402.6F1C2A0D3E@mx1.recipient.test>',
        original_message_id: '<campaign-7.subscriber-42@sender.test>',
      });
      expect(parsed.recipients).toEqual([
        {
          email: 'nobody@recipient.test',
          status: '5.1.1',
          hard: true,
          action: 'failed',
          reason: 'user_unknown',
          diagnostic:
            'smtp; 550 5.1.1 <nobody@recipient.test>: Recipient address rejected: ' +
            'User unknown in local recipient table',
        },
        {
          email: 'full@recipient.test',
          status: '4.2.2',
          hard: false,
          action: 'delayed',
          reason: 'mailbox_full',
          diagnostic: 'smtp; 452 4.2.2 <full@recipient.test>: mailbox over quota, will retry',
        },
      ]);
    },
  );

  it('reads hard and soft per recipient from status and diagnostic', async () => {
    const parsed = await parseBounce(fixture('dsn-mixed-reasons.eml'));
    expect(parsed.recipients.map((r) => [r.email, r.status, r.reason, r.hard])).toEqual([
      ['alice@one.recipient.test', '5.1.1', 'user_unknown', true],
      ['bruno@two.recipient.test', '5.2.2', 'mailbox_full', false],
      ['chen@three.recipient.test', '5.7.1', 'blocked', false],
      ['dora@four.recipient.test', '4.4.7', 'expired', false],
    ]);
    expect(parsed.campaign).toBe(CAMPAIGN);
    expect(parsed.subscriber).toBeUndefined();
  });

  it('answers a delay notice as a bounce whose recipients are delayed', async () => {
    const parsed = await parseBounce(fixture('delay-only.eml'));
    expect(parsed.is_bounce).toBe(true);
    expect(parsed.kind).toBe('bounce');
    expect(parsed.recipients).toMatchObject([
      { email: 'slow@recipient.test', action: 'delayed', hard: false },
    ]);
  });

  it('answers a delivered / relayed report as kind delivered, not a bounce', async () => {
    const parsed = await parseBounce(fixture('delivered.eml'));
    expect(parsed).toMatchObject({ kind: 'delivered', is_bounce: false });
    expect(parsed.recipients.map((r) => [r.email, r.action, r.hard])).toEqual([
      ['carol@recipient.test', 'delivered', null],
      ['dan@recipient.test', 'relayed', null],
    ]);
  });
});

describe('parseBounce: RFC 5965 complaints', () => {
  it('answers kind feedback, not a bounce, with the Original-Rcpt-To and the original headers', async () => {
    const parsed = await parseBounce(fixture('arf-complaint.eml'));
    expect(parsed).toMatchObject({
      kind: 'feedback',
      is_bounce: false,
      feedback_type: 'abuse',
      campaign: CAMPAIGN,
      subscriber: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      original_message_id: '<campaign-7.subscriber-43@sender.test>',
    });
    expect(parsed.recipients).toEqual([
      {
        email: 'complainer@mailbox-provider.test',
        status: null,
        hard: null,
        action: 'delivered',
        reason: 'complaint',
      },
    ]);
  });

  it('names every recipient of a report with several Original-Rcpt-To fields, once each', async () => {
    const parsed = await parseBounce(fixture('arf-two-recipients.eml'));
    expect(parsed.recipients.map((r) => [r.email, r.reason])).toEqual([
      ['complainer@mailbox-provider.test', 'complaint'],
      ['second@mailbox-provider.test', 'complaint'],
    ]);
  });

  it('falls back on the To of the returned original when the report names no recipient', async () => {
    const parsed = await parseBounce(fixture('arf-original-to.eml'));
    expect(parsed).toMatchObject({ kind: 'feedback', is_bounce: false, feedback_type: 'fraud' });
    expect(parsed.recipients.map((r) => r.email)).toEqual(['reader@mailbox-provider.test']);
  });
});

describe('parseBounce: auto-replies and human mail', () => {
  it.each([
    ['autoreply-rfc3834.eml', 'autoreply'],
    ['out-of-office.eml', 'autoreply'],
    ['human-reply.eml', 'not-bounce'],
  ])('%s is %s with no recipients', async (name, kind) => {
    const parsed = await parseBounce(fixture(name));
    expect(parsed).toMatchObject({ kind, is_bounce: false, recipients: [] });
  });
});

describe('parseBounce: bounces without a report', () => {
  it.each([
    ['qmail.eml', 'gone@recipient.test', '5.1.1', 'user_unknown', true],
    ['exim.eml', 'quota@recipient.test', '5.2.2', 'mailbox_full', false],
    ['postfix-no-report.eml', 'moved@recipient.test', '5.1.6', 'user_unknown', true],
    ['gmail.eml', 'typo@recipient.test', '5.1.10', 'user_unknown', true],
    ['office365-html.eml', 'left@tenant.recipient.test', '5.1.10', 'user_unknown', true],
    ['sendmail-transcript.eml', 'pat@recipient.test', '5.1.1', 'user_unknown', true],
  ])('%s: %s %s %s', async (name, email, status, reason, hard) => {
    const parsed = await parseBounce(fixture(name));
    expect(parsed).toMatchObject({ kind: 'bounce', is_bounce: true });
    expect(parsed.recipients).toMatchObject([{ email, status, reason, hard, action: 'failed' }]);
  });

  it('never takes the sender for the failed recipient', async () => {
    for (const name of ['qmail.eml', 'exim.eml', 'postfix-no-report.eml', 'gmail.eml']) {
      const parsed = await parseBounce(fixture(name));
      const emails = parsed.recipients.map((r) => r.email);
      expect(emails).not.toContain('bounces@sender.test');
      expect(emails).not.toContain('news@sender.test');
      expect(emails).not.toContain('sender-person@provider.test');
    }
  });

  it('finds campaign and subscriber in an inline copy of the original', async () => {
    const parsed = await parseBounce(fixture('qmail.eml'));
    expect(parsed).toMatchObject({
      campaign: CAMPAIGN,
      subscriber: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
      original_message_id: '<campaign-7.subscriber-44@sender.test>',
    });
  });
});

describe('parseBounce: input forms', () => {
  it.each(fixtureNames())('%s gives one answer for LF, CRLF and string input', async (name) => {
    const bytes = fixture(name);
    const lf = await parseBounce(bytes);
    expect(await parseBounce(crlf(bytes))).toEqual(lf);
    expect(await parseBounce(new TextDecoder().decode(bytes))).toEqual(lf);
  });

  it('skips an mbox From_ line', async () => {
    const text = new TextDecoder().decode(fixture('qmail.eml'));
    const parsed = await parseBounce(`From MAILER-DAEMON  Tue Nov 12 09:15:00 2024\n${text}`);
    expect(parsed.recipients.map((r) => r.email)).toEqual(['gone@recipient.test']);
  });
});
