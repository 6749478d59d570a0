import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../lambdas/core/mail/limits.js';
import { MailParseError, type ParsedMessage, parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture, fixtureNames } from './fixtures.js';

const CUTS = 40;
const KINDS = ['bounce', 'feedback', 'autoreply', 'delivered', 'not-bounce'];

/** Resolves to an answer, or to the one typed error the parser may raise; anything else fails the test. */
async function settle(raw: Uint8Array | string): Promise<ParsedMessage | MailParseError> {
  try {
    return await parseBounce(raw);
  } catch (error) {
    if (error instanceof MailParseError) return error;
    throw error;
  }
}

function expectWellFormed(answer: ParsedMessage | MailParseError): void {
  if (answer instanceof MailParseError) return;
  expect(KINDS).toContain(answer.kind);
  expect(answer.is_bounce).toBe(answer.kind === 'bounce');
  expect(answer.recipients.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxRecipients);
  for (const r of answer.recipients) expect(r.email).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
}

function header(subject = 'Undelivered Mail Returned to Sender'): string {
  return `From: MAILER-DAEMON@mx.example.net\r\nTo: bounces@example.org\r\nSubject: ${subject}\r\n`;
}

describe('a truncated message always gets an answer', () => {
  it.each(fixtureNames())(`%s cut at ${CUTS} points`, async (name) => {
    const bytes = fixture(name);
    for (let i = 1; i <= CUTS; i++) {
      const cut = Math.floor((bytes.length * i) / (CUTS + 1));
      expectWellFormed(await settle(bytes.subarray(0, cut)));
    }
  });
});

describe('hostile input ends in bounded time', () => {
  const boundaries = Array.from(
    { length: 5_000 },
    (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`,
  );
  const cases: Record<string, () => Uint8Array | string> = {
    'deep nesting': () => `${header()}${boundaries.join('')}text\r\n`,
    '10,000 MIME parts': () =>
      `${header()}Content-Type: multipart/mixed; boundary="x"\r\n\r\n${Array.from(
        { length: 10_000 },
        (_, i) => `--x\r\nContent-Type: text/plain\r\n\r\n<u${i}@example.com>: 550 5.1.1 User unknown\r\n`,
      ).join('')}`,
    'unterminated multipart': () =>
      `${header()}Content-Type: multipart/report; boundary="never"\r\n\r\n--never\r\n` +
      'Content-Type: message/delivery-status\r\n\r\n' +
      'Final-Recipient: rfc822; a@example.com\r\nAction: failed\r\nStatus: 5.1.1',
    'huge header line': () => `${header()}X-Long: ${'A'.repeat(3_000_000)}\r\n\r\nbody`,
    'binary garbage': () =>
      Uint8Array.from({ length: 2_500_000 }, (_, i) => ((i * 2654435761) >>> 24) & 0xff),
    'a run of @': () => `${header()}\r\n${'@'.repeat(2_000_000)}`,
    'one endless local part': () => `${header()}\r\n${'a'.repeat(1_000_000)}@${'b.'.repeat(400_000)}`,
    'endless delimiter lines': () =>
      `${header()}Content-Type: multipart/mixed; boundary="x"\r\n\r\n${'--x\r\n'.repeat(400_000)}`,
    'endless script tags': () => `${header()}Content-Type: text/html\r\n\r\n${'<script>'.repeat(250_000)}`,
    'endless report fields': () =>
      `${header()}Content-Type: message/delivery-status\r\n\r\n` +
      'Final-Recipient: rfc822; a@example.com\r\nStatus: 5.1.1\r\n'.repeat(40_000),
    'a phrase with a gap, many times on many lines': () =>
      `${header()}\r\n<a@example.com>:\r\n${`${'exceeds '.repeat(240)}\r\n`.repeat(70)}`,
    'long runs without a space on many lines': () =>
      `${header()}\r\n<a@example.com>:\r\n${`${'a'.repeat(1990)}\r\n`.repeat(70)}`,
    'a subject made of one phrase': () => `${header('warning: message '.repeat(30_000))}\r\nhello`,
    'an empty message': () => '',
    'only a header': () => header(),
  };

  // Each gets a well-formed answer; that the cost stays linear is linearity.test.ts's to show, with
  // ratios rather than a clock limit (DESIGN §9).
  it.each(Object.keys(cases))('%s', async (name) => {
    const raw = (cases[name] as () => Uint8Array | string)();
    const answer = await settle(raw);
    expectWellFormed(answer);
  });

  it('reports a message cut by the size limit as truncated', async () => {
    const big = `${header()}\r\n${'x'.repeat(DEFAULT_LIMITS.maxMessageBytes + 10)}`;
    const answer = await parseBounce(big);
    expect(answer.truncated).toBe(true);
  });

  it('caps the recipients of one message', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `<user${i}@example.com>: 550 5.1.1 User unknown`).join(
      '\r\n',
    );
    const answer = await parseBounce(`${header()}\r\n${many}\r\n`);
    expect(answer.recipients).toHaveLength(DEFAULT_LIMITS.maxRecipients);
  });
});
