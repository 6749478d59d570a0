import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture } from './fixtures.js';

const emails = async (raw: string | Uint8Array) => (await parseBounce(raw)).recipients.map((r) => r.email);

function textBounce(body: string[], headers: string[] = []): string {
  return [
    'From: MAILER-DAEMON@relay.recipient.test',
    'To: bounces@sender.test',
    'Subject: failure notice',
    ...headers,
    '',
    ...body,
    '',
  ].join('\n');
}

describe('a quoted copy of the returned message names no failed recipient', () => {
  it('the To: of an indented header block without a separator line is the original, not the report', async () => {
    expect(await emails(fixture('inline-copy-no-separator.eml'))).toEqual(['second@recipient.test']);
  });

  it('nor does the To: of a header block quoted with "> "', async () => {
    const raw = textBounce([
      'I was unable to deliver your message to the following address.',
      '',
      '<kept@recipient.test>:',
      '550 5.1.1 mailbox unavailable',
      '',
      '> From: news@sender.test',
      '> To: other@recipient.test, kept@recipient.test',
      '> Subject: November news',
    ]);
    expect(await emails(raw)).toEqual(['kept@recipient.test']);
  });

  it("a report's own labelled line still names its recipient", async () => {
    const raw = textBounce([
      'Your message could not be delivered.',
      '',
      'Recipient: <labelled@recipient.test>',
      'Reason: 550 5.1.1 user unknown',
    ]);
    expect(await emails(raw)).toEqual(['labelled@recipient.test']);
  });
});

describe("the original message's sender", () => {
  it("is kept when the report names it in a recipient's place (a forged or self-addressed From)", async () => {
    const raw = textBounce([
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<self@recipient.test>:',
      'Sorry, no mailbox here by that name. (#5.1.1)',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: <self@recipient.test>',
      'To: <self@recipient.test>',
      'Subject: note to self',
    ]);
    const parsed = await parseBounce(raw);
    expect(parsed.recipients).toMatchObject([{ email: 'self@recipient.test', status: '5.1.1', hard: true }]);
  });

  it('is not taken when the report only mentions it', async () => {
    const raw = textBounce([
      'Your message from author@sender.test could not be delivered to failed@recipient.test.',
      '550 5.1.1 user unknown',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: <author@sender.test>',
      'To: <failed@recipient.test>',
    ]);
    expect(await emails(raw)).toEqual(['failed@recipient.test']);
  });
});

describe('a name-addr on a recipient line', () => {
  it('the bracketed mailbox is the recipient, the address before it a display name', async () => {
    const raw = textBounce([
      'A message that you sent contained recipient addresses that were incorrectly constructed:',
      '',
      '  old@recipient.test <new@recipient.test>: malformed address: <new@recipient.test> may not follow old@recipient.test',
    ]);
    expect(await emails(raw)).toEqual(['new@recipient.test']);
  });
});
