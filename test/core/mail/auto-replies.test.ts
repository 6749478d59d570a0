import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture } from './fixtures.js';

function message(headers: string[], body: string[]): string {
  return [...headers, '', ...body, ''].join('\n');
}

const FAILURE_BODY = [
  'Your message could not be delivered to the following recipients:',
  '',
  '<gone@recipient.test>: 550 5.1.1 user unknown (in reply to RCPT TO command)',
];

describe('challenge-response requests', () => {
  it('are auto-replies even in the shape of a delivery report from a daemon', async () => {
    const parsed = await parseBounce(fixture('challenge-as-report.eml'));
    expect(parsed).toMatchObject({ kind: 'autoreply', is_bounce: false, recipients: [] });
  });

  it('are auto-replies under a "Returned mail" subject without a report', async () => {
    const parsed = await parseBounce(
      message(
        [
          'From: MAILER-DAEMON@guard.recipient.test',
          'To: bounces@sender.test',
          'Subject: Returned mail: held',
        ],
        [
          'Your message to alive@recipient.test has been held pending verification.',
          'Please confirm that you are a human by visiting https://guard.recipient.test/c/1',
        ],
      ),
    );
    expect(parsed.kind).toBe('autoreply');
  });

  it('yield to a report whose recipient failed permanently', async () => {
    const raw = new TextDecoder()
      .decode(fixture('challenge-as-report.eml'))
      .replace('Action: delayed\nStatus: 4.7.0', 'Action: failed\nStatus: 5.1.1');
    const parsed = await parseBounce(raw);
    expect(parsed).toMatchObject({
      kind: 'bounce',
      recipients: [{ email: 'alive@recipient.test', hard: true }],
    });
  });
});

describe('vacation notices', () => {
  it('are auto-replies even from a daemon-like sender under a delivery-like subject', async () => {
    const parsed = await parseBounce(
      message(
        [
          'From: Postmaster <postmaster@recipient.test>',
          'To: bounces@sender.test',
          'Subject: Delivery notification: out of office',
          'Auto-Submitted: auto-replied',
        ],
        ['I am out of the office until 2 December with limited access to e-mail.'],
      ),
    );
    expect(parsed).toMatchObject({ kind: 'autoreply', is_bounce: false });
  });

  it('that also report a failure are bounces', async () => {
    const parsed = await parseBounce(
      message(
        [
          'From: MAILER-DAEMON@mx.recipient.test',
          'To: bounces@sender.test',
          'Subject: Undeliverable: out of office',
          'Auto-Submitted: auto-replied',
        ],
        FAILURE_BODY,
      ),
    );
    expect(parsed.kind).toBe('bounce');
  });
});

describe('Auto-Submitted alone never hides a failure report', () => {
  it.each(['auto-replied', 'auto-generated'])(
    'Auto-Submitted: %s on a bounce from no daemon address',
    async (value) => {
      const parsed = await parseBounce(
        message(
          [
            'From: Mail System <system@mx.recipient.test>',
            'To: bounces@sender.test',
            'Subject: Undeliverable: November news',
            `Auto-Submitted: ${value}`,
          ],
          FAILURE_BODY,
        ),
      );
      expect(parsed).toMatchObject({ kind: 'bounce', is_bounce: true });
      expect(parsed.recipients.map((r) => [r.email, r.hard])).toEqual([['gone@recipient.test', true]]);
    },
  );

  it('but machine mail that reports no failure is not a bounce', async () => {
    const parsed = await parseBounce(
      message(
        [
          'From: Reports <reports@example.test>',
          'To: bounces@sender.test',
          'Subject: Weekly digest',
          'Auto-Submitted: auto-generated',
        ],
        ['Here is your weekly digest.'],
      ),
    );
    expect(parsed.is_bounce).toBe(false);
  });
});
