import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWebhookBounce } from '../../lambdas/core/ingestion/webhook-input.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { forwardemailProvider } from '../../lambdas/core/providers/forwardemail.js';
import { mapSendgridEvent } from '../../lambdas/core/providers/sendgrid-mapping.js';
import { mapSesMessage } from '../../lambdas/core/providers/ses-mapping.js';
import { defaultSettings } from '../../lambdas/core/settings/settings.js';
import { FakeClock } from '../support/fakes.js';
import { costRatio, costRatioAsync, hostileText, LINEAR_BOUND } from '../support/linearity.js';

/**
 * Bounded cost, shown as a ratio: ten times the hostile input must cost well under a hundred times
 * the time (quadratic would). Never a time in milliseconds. Sizes are in units of about 100 characters.
 */
describe('entry points cost time linear in hostile input', () => {
  it('the generic webhook body', () => {
    const ratio = costRatio((size) => {
      const text = hostileText(size);
      parseWebhookBounce(
        {
          email: 'ann@example.com',
          source: 'api',
          type: 'hard',
          meta: JSON.stringify({ status: text, diagnostic: text, reason: text }),
        },
        undefined,
        new Date('2026-11-29T10:00:00.000Z'),
      );
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('a SendGrid event with a hostile reason', () => {
    const ratio = costRatio((size) => {
      const mapped = mapSendgridEvent({
        event: 'bounce',
        email: 'ann@example.com',
        status: '5.0.0',
        reason: hostileText(size),
      });
      expect(mapped.kind).toBe('bounce');
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('a Forward Email bounce with a hostile response', async () => {
    const settings = defaultSettings();
    settings.forwardemail = { enabled: true, key: 'test-key' };
    const ratio = await costRatioAsync(async (size) => {
      const text = hostileText(size);
      const rawBody = Buffer.from(
        JSON.stringify({
          recipient: 'ann@example.com',
          email_id: 'e1',
          response: text,
          message: text,
          bounce: { action: 'reject', message: text },
        }),
      );
      const signature = createHmac('sha256', 'test-key').update(rawBody).digest('hex');
      await forwardemailProvider.handle(
        { rawBody, headers: { 'x-webhook-signature': signature } },
        settings.forwardemail,
        {
          clock: new FakeClock(),
          certificates: { load: async () => '' },
        },
      );
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('an SES bounce with a hostile diagnostic', () => {
    const ratio = costRatio((size) => {
      const message = JSON.stringify({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: 'ann@example.com', diagnosticCode: hostileText(size) }],
          timestamp: '2026-11-28T14:59:38.237Z',
          feedbackId: 'f1',
        },
        mail: { messageId: 'm1', destination: ['ann@example.com'] },
      });
      mapSesMessage(message, { snsMessageId: 's1', topicArn: 'arn:aws:sns:us-east-1:123456789012:t' });
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('parseBounce on a large hostile message', async () => {
    const message = (size: number) =>
      [
        'From: MAILER-DAEMON@example.org',
        'To: sender@example.com',
        'Subject: Undelivered Mail Returned to Sender',
        `X-Hostile:${'\t'.repeat(size * 10)}\u2028`,
        `Return-Path: ${' '.repeat(size * 10)}x`,
        'Content-Type: text/plain',
        '',
        'This is the mail system. I could not deliver your message to ann@example.com.',
        hostileText(size, '\n'),
        hostileText(size),
        `<ann@${'-'.repeat(size * 10)}x`,
        '',
      ].join('\r\n');
    const ratio = await costRatioAsync(async (size) => {
      await parseBounce(message(size));
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });
});
