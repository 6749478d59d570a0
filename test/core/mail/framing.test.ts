import { describe, expect, it } from 'vitest';
import { withoutFraming } from '../../../lambdas/core/mail/framing.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture } from './fixtures.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

const BOUNCE = [
  'From: MAILER-DAEMON@mx.recipient.test',
  'To: bounces@sender.test',
  'Subject: Undelivered Mail Returned to Sender',
  '',
  '<gone@recipient.test>: host mx.recipient.test said: 550 5.1.1 User unknown (in reply to RCPT TO command)',
  '',
].join('\n');

describe('what stands before the first header field', () => {
  it('blank and whitespace-only lines are skipped, so the report is still found', async () => {
    const parsed = await parseBounce(fixture('leading-blank-lines.eml'));
    expect(parsed).toMatchObject({
      kind: 'bounce',
      campaign: '6e2a4c1b-9f3d-4e7a-8b1c-2d3e4f5a6b7c',
      message_id: '<frame-1@mx.recipient.test>',
    });
    expect(parsed.recipients).toMatchObject([{ email: 'gone@recipient.test', status: '5.1.1', hard: true }]);
  });

  it.each([
    ['an mbox From line', `From MAILER-DAEMON Mon Nov  4 10:00:00 2024\n${BOUNCE}`],
    [
      'blank lines, then an mbox From line',
      `\n \n\t\nFrom MAILER-DAEMON Mon Nov  4 10:00:00 2024\n${BOUNCE}`,
    ],
    ['an mbox From line, then blank lines', `From MAILER-DAEMON Mon Nov  4 10:00:00 2024\r\n\r\n${BOUNCE}`],
  ])('%s', async (_, raw) => {
    const parsed = await parseBounce(raw);
    expect(parsed.kind).toBe('bounce');
    expect(parsed.recipients.map((r) => [r.email, r.hard])).toEqual([['gone@recipient.test', true]]);
  });

  it('keeps a message that has no framing as it is, and a header field named From: is no mbox line', () => {
    const raw = bytes('From: a@example.test\nSubject: x\n\nbody');
    expect(withoutFraming(raw)).toBe(raw);
    expect(text(withoutFraming(bytes('\n\nFrom x  Mon\nSubject: x\n')))).toBe('Subject: x\n');
  });

  it('skips one mbox line only: a second one is the message', () => {
    expect(text(withoutFraming(bytes('From a Mon\nFrom b Tue\nSubject: x\n')))).toBe(
      'From b Tue\nSubject: x\n',
    );
  });
});
