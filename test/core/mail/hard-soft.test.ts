import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { mailReason, smtpStage } from '../../../lambdas/core/mail/reason.js';
import { classifyRecipient } from '../../../lambdas/core/mail/recipient.js';

function recipient(status: string | undefined, diagnostic: string, action: 'failed' | 'delayed' = 'failed') {
  return classifyRecipient({ email: 'a@example.com', action, status, diagnostic, maxDiagnosticChars: 1000 });
}

describe('hard means the address is dead (DESIGN §3)', () => {
  it.each([
    ['5.1.1', 'smtp; 550 5.1.1 <a@example.com>: User unknown', 'user_unknown', true],
    ['5.2.2', 'smtp; 552 5.2.2 Mailbox full', 'mailbox_full', false],
    [
      '5.7.1',
      'smtp; 554 5.7.1 Service unavailable; client host blocked using a reputation list',
      'blocked',
      false,
    ],
    ['4.4.7', 'smtp; 421 4.4.7 Delivery time expired', 'expired', false],
    ['5.1.2', 'smtp; 550 5.1.2 Host unknown', 'host_unknown', true],
    ['5.7.26', 'smtp; 550 5.7.26 Unauthenticated email is not accepted due to DMARC policy', 'policy', false],
    ['5.0.0', 'smtp; 550 No such user here (in reply to RCPT TO command)', 'user_unknown', true],
  ])('%s %s -> %s', (status, diagnostic, reason, hard) => {
    expect(recipient(status, diagnostic)).toMatchObject({ status, reason, hard });
  });

  it('a delay is never hard', () => {
    expect(recipient('4.1.1', 'smtp; 450 4.1.1 User unknown in virtual alias table', 'delayed').hard).toBe(
      false,
    );
  });

  it('the remote server code outranks the reporting MTA field of the same class', () => {
    expect(recipient('5.1.1', 'SMTP; 550 5.7.1 IP address blacklisted by recipient')).toMatchObject({
      status: '5.7.1',
      reason: 'blocked',
      hard: false,
    });
  });

  it('words that name another cause soften a generic address code', () => {
    expect(
      recipient(
        '5.1.1',
        'smtp; 550 5.1.1 <a@example.com> - 192.0.2.1 has sent to too many recipients this hour',
      ),
    ).toMatchObject({ reason: 'rate_limited', hard: false });
  });

  it('a temporary failure proves nothing dead', () => {
    expect(
      recipient('4.0.0', 'smtp; DNS Error: MX lookup responded NXDOMAIN, domain name not found'),
    ).toMatchObject({
      reason: 'network',
      hard: false,
    });
  });
});

describe('the SMTP stage decides whose fault it was', () => {
  it('reads the stage from Postfix, Exim, Sendmail and qmail wording', () => {
    expect(smtpStage('said: 550 User unknown (in reply to RCPT TO command)')).toBe('rcpt');
    expect(smtpStage('SMTP error from remote mail server after end of data: 550 rejected')).toBe('data');
    expect(smtpStage('SMTP error from remote mail server after MAIL FROM:<x@example.net>: 553 no')).toBe(
      'mail',
    );
    expect(smtpStage('>>> RCPT To:<a@example.com>\n<<< 550 5.1.1 User unknown')).toBe('rcpt');
    expect(smtpStage('most progress was RCPT TO response; remote host said: 550')).toBe('rcpt');
    expect(smtpStage('550 5.1.1 User unknown')).toBeUndefined();
  });

  it('a refusal printed under DATA but followed by 503 need RCPT answered RCPT (pipelining)', () => {
    expect(
      smtpStage('>>> DATA\n<<< 550 5.1.1 <a@example.com>... User unknown\n<<< 503 5.0.0 Need RCPT'),
    ).toBe('rcpt');
    expect(smtpStage('>>> DATA\n<<< 550 : User unknown\n554 5.0.0 Service unavailable')).toBe('data');
  });

  it('"user unknown" only after the content was sent is a content filter, not a dead address', () => {
    expect(mailReason({ status: '5.0.0', text: '550 : User unknown', stage: 'data' })).toBe(
      'content_rejected',
    );
    // Unless the remote server itself gave an address status code.
    expect(
      mailReason({ status: '5.1.1', text: '550 5.1.1 User unknown', stage: 'data', remote: '5.1.1' }),
    ).toBe('user_unknown');
  });

  it('a refused sender leaves the recipient alive', () => {
    expect(mailReason({ status: '5.1.8', text: '501 5.1.8 Sender address rejected: Domain not found' })).toBe(
      'blocked',
    );
    expect(mailReason({ status: '5.1.0', text: '550 5.1.0 Address rejected', stage: 'mail' })).toBe(
      'blocked',
    );
  });

  it('Postfix "Recipient address rejected:" names its real cause after the colon', () => {
    expect(
      mailReason({
        status: '5.7.1',
        text: 'Recipient address rejected: Multiple authentication checks failed (DMARC)',
      }),
    ).toBe('policy');
    expect(
      mailReason({
        status: '5.0.0',
        text: '550 <a@example.com>: Recipient address rejected.',
        stage: 'rcpt',
      }),
    ).toBe('user_unknown');
  });
});

describe('words that say the address does not exist make it dead (DESIGN §3)', () => {
  it.each([
    'smtp; 550 user unknown',
    'smtp; 550 The account you wrote to does not exist',
    'smtp; 550 <a@example.com>... No such user',
    'smtp; 550 Recipient not found',
    'smtp; 550 Unknown recipient',
    'smtp; 550 Requested action not taken: mailbox unavailable',
  ])('under a generic code and with no stage: %s', (diagnostic) => {
    expect(recipient('5.0.0', diagnostic)).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it('with no code at all', () => {
    expect(recipient(undefined, 'Unknown user: a@example.com')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });

  it('but not in a temporary failure: the sender will try again', () => {
    expect(recipient('4.0.0', 'smtp; 450 Requested action not taken: mailbox unavailable')).toMatchObject({
      hard: false,
    });
    expect(recipient(undefined, 'smtp; 450 No such user here')).toMatchObject({ hard: false });
  });

  it('the same words in reply to RCPT TO are hard', () => {
    expect(
      recipient('5.0.0', 'smtp; 550 <a@example.com>: User unknown (in reply to RCPT TO command)'),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it('an address status code (x.1.x) is evidence on its own', () => {
    expect(recipient('5.1.1', 'smtp; 550 5.1.1 User unknown')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });

  it('wording that reports a directory lookup stands without a code', () => {
    expect(recipient(undefined, 'User a (a@example.com) not listed in Domino Directory')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
    expect(
      recipient('5.1.1', 'X-Notes; User a (a@example.com) not listed in public Name & Address Book'),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it("Yahoo's lookup wording stands at the end of DATA, where Yahoo gives it", () => {
    expect(
      recipient(
        '5.0.0',
        "smtp; 554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] (in reply to end of DATA command)",
      ),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it('an empty address slot ("550 : User unknown") is a reply after DATA', () => {
    expect(smtpStage('smtp; 550 : User unknown')).toBe('data');
    expect(smtpStage('smtp; 550 <a@example.com>: User unknown')).toBeUndefined();
  });

  it("Exchange's relayed reply after '->' is the remote server's own answer", () => {
    expect(
      recipient(
        '5.1.351',
        'smtp;550 5.1.351 Remote server returned unknown recipient or mailbox unavailable -> 550 : User unknown',
      ),
    ).toMatchObject({ hard: false });
    expect(
      recipient(
        '5.1.351',
        'smtp;550 5.1.351 Remote server returned unknown recipient or mailbox unavailable -> 550 <a@example.com>: User unknown',
      ),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it("the code inside a quoted remote reply outranks the reporter's summary (Amazon SES)", () => {
    expect(
      classifyRecipient({
        email: 'a@example.com',
        action: 'failed',
        status: '5.1.0',
        // The remote server refuses the sender's return path; the reporter calls it an address error.
        diagnostic: "smtp; 5.1.0 - Unknown address error 550-'5.7.1 <x@example.net>... Access denied'",
        senders: ['x@example.net'],
        maxDiagnosticChars: 1000,
      }),
    ).toMatchObject({ status: '5.7.1', hard: false });
  });

  it("an X-Unix diagnostic is a local program's failure, not a verdict on the address", () => {
    expect(
      recipient('5.1.1', 'x-unix; procmail: Couldn\'t create "/var/mail/a": No such user'),
    ).toMatchObject({
      reason: 'unknown',
      hard: false,
    });
  });

  it('"Domain does not exist" names the domain', () => {
    expect(recipient('5.0.0', 'a@example.com: Domain does not exist')).toMatchObject({
      reason: 'host_unknown',
      hard: true,
    });
  });

  it('reads the stage across a wrapped line and from "SMTP:RCPT"', () => {
    expect(smtpStage('User unknown (in reply to\n    RCPT TO command)')).toBe('rcpt');
    expect(smtpStage('Technical details: SMTP:RCPT host 192.0.2.8: 553 5.3.0 No such user here')).toBe(
      'rcpt',
    );
  });
});

describe("Outlook.com's wording", () => {
  it('"the domain is not reachable" names the domain', () => {
    expect(
      recipient(
        '5.5.0',
        'smtp;554 The mail could not be delivered to the recipient because the domain is not reachable. Please check the domain and try again',
      ),
    ).toMatchObject({ reason: 'host_unknown', hard: true });
  });
});

describe('a permanent DNS verdict is a dead domain, a temporary one is not', () => {
  it.each([
    ['5.1.2', 'smtp; 550 5.1.2 Host or domain name not found. Name service error for name=gone.test type=A'],
    ['5.4.4', 'smtp; 554 5.4.4 Domain gone.test has no MX records'],
    ['5.1.10', 'smtp; 556 5.1.10 Recipient address has null MX'],
    ['5.0.0', 'DNS lookup of gone.test responded NXDOMAIN'],
    ['5.4.4', 'Unrouteable address: name or service not known'],
  ])('%s %s -> host_unknown', (status, diagnostic) => {
    expect(recipient(status, diagnostic)).toMatchObject({ hard: true });
    expect(['host_unknown', 'user_unknown']).toContain(recipient(status, diagnostic).reason);
  });

  it.each([
    [
      '4.4.3',
      'smtp; 451 4.4.3 Host or domain name not found. Name service error for name=x.test type=MX: Host not found, try again',
    ],
    ['5.4.4', 'dns query timed out for x.test'],
    ['4.4.0', 'temporary DNS failure resolving x.test'],
  ])('%s %s -> network, soft', (status, diagnostic) => {
    expect(recipient(status, diagnostic)).toMatchObject({ reason: 'network', hard: false });
  });
});

describe("the remote server's own reply outranks the reporting MTA's words", () => {
  it("a reply quoted inside the reporter's summary gives the status", () => {
    expect(
      recipient(
        '4.4.7',
        'smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
        'delayed',
      ),
    ).toMatchObject({ status: '4.4.2', hard: false });
  });
});

describe('a mailbox the provider disabled, closed, locked or froze is dead (DESIGN §9)', () => {
  it.each([
    'smtp; 554 delivery error: dd This account has been disabled or discontinued (in reply to end of DATA command)',
    'smtp; 550 Mailbox is frozen.',
    '<a@example.com>: vdelivermail: account is locked email bounced',
    'smtp; 525 5.7.13 Disabled recipient address',
    'smtp; 550 5.5.0 The recipient account is blocked.',
  ])('%s', (diagnostic) => {
    expect(recipient('5.0.0', diagnostic)).toMatchObject({ reason: 'mailbox_inactive', hard: true });
  });

  it('while "your account is blocked" at MAIL FROM is the sender\'s', () => {
    expect(
      recipient(
        '5.7.1',
        'SMTP error from remote mail server after MAIL FROM:<s@sender.test>: 550 5.7.1 sender rejected',
      ),
    ).toMatchObject({ hard: false });
  });
});

describe('a guess is not a verdict', () => {
  it.each([
    'smtp; 550 Delivery failed: the address probably does not exist.',
    'smtp; 550 The address may be misspelled or does not exist.',
    'smtp; 550 It is possible that the user does not exist; please check the address.',
    'smtp; 550 Not delivered. If the user does not exist, remove the address from your list.',
  ])('%s', (diagnostic) => {
    expect(recipient('5.0.0', diagnostic)).toMatchObject({ reason: 'unknown', hard: false });
  });

  it('the guess governs its own clause: a verdict beside it still stands', () => {
    expect(
      recipient('5.0.0', 'smtp; 550 Mailbox unavailable. The account may have been closed by its owner.'),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it('an address code stands whatever the words guess', () => {
    expect(recipient('5.1.1', 'smtp; 550 5.1.1 The address may not exist')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });
});

describe("a reply about the sender's own address or domain leaves the recipient alive", () => {
  function about(diagnostic: string, senders: string[]) {
    return classifyRecipient({
      email: 'ana@recipient.test',
      action: 'failed',
      status: '5.0.0',
      diagnostic,
      senders,
      maxDiagnosticChars: 1000,
    });
  }

  it("the sender's domain said not to exist", () => {
    expect(
      about(
        'ana@recipient.test\n  host mx.recipient.test [192.0.2.9]\n  553 news.sender.test does not exist',
        ['list@news.sender.test'],
      ),
    ).toMatchObject({ reason: 'blocked', hard: false });
  });

  it("the sender's return path said to be unknown", () => {
    expect(
      about('smtp; 550 <bounce-42@sender.test>... User unknown', ['bounce-42@sender.test']),
    ).toMatchObject({
      reason: 'blocked',
      hard: false,
    });
  });

  it('while a reply that also names the recipient is about the recipient', () => {
    expect(
      about('smtp; 550 <ana@recipient.test>: User unknown; from=<bounce-42@sender.test>', [
        'bounce-42@sender.test',
      ]),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it("and a domain that is no one's in particular proves nothing either way", () => {
    expect(about('smtp; 550 relay.other.test: User unknown', ['bounce-42@sender.test'])).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });

  it('the sender is known from the bounce itself: whom it returns to and the original it carries', async () => {
    const message = [
      'From: Mail Delivery System <mailer-daemon@mta.sender.test>',
      'To: list@news.sender.test',
      'Subject: Mail delivery failed: returning message to sender',
      'X-Failed-Recipients: ana@recipient.test',
      '',
      'A message that you sent could not be delivered to one or more of its recipients.',
      '',
      '  ana@recipient.test',
      '    host mx.recipient.test [192.0.2.9]',
      '    SMTP error from remote mail server:',
      '    553 news.sender.test does not exist',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'From: Newsletter <list@news.sender.test>',
      'To: ana@recipient.test',
      'Subject: News',
      '',
      'Hello',
      '',
    ].join('\n');
    const parsed = await parseBounce(message);
    expect(parsed.recipients).toMatchObject([
      { email: 'ana@recipient.test', reason: 'blocked', hard: false },
    ]);
    const other = await parseBounce(
      message.replace('553 news.sender.test does not exist', '550 User unknown'),
    );
    expect(other.recipients).toMatchObject([
      { email: 'ana@recipient.test', reason: 'user_unknown', hard: true },
    ]);
  });

  it("the sender named in the reporter's words before the reply is not the reply", () => {
    expect(
      about('Your message from bounce-42@sender.test was not delivered:\n  550 User unknown', [
        'bounce-42@sender.test',
      ]),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });
});

describe('words around the report', () => {
  it("prose near a report's recipient (a scanner's footer) never softens its Status", () => {
    expect(
      classifyRecipient({
        email: 'a@example.com',
        action: 'failed',
        status: '5.1.1',
        diagnostic:
          'a@example.com\n\nThis message was scanned by an antivirus system and found free of viruses',
        prose: true,
        maxDiagnosticChars: 1000,
      }),
    ).toMatchObject({ status: '5.1.1', reason: 'user_unknown', hard: true });
  });

  it('a multi-line reply is read whole from the transcript: its last line names the sender as the cause', async () => {
    const { wholeReply } = await import('../../../lambdas/core/mail/replies.js');
    const transcript = [
      '>>> DATA',
      '<<< 550-Verification failed for <bounces@sender.test>',
      '<<< 550-The account or domain may not exist.',
      '<<< 550 Sender verify failed',
      '550 5.1.1 <a@example.com>... User unknown',
    ].join('\n');
    const whole = wholeReply('SMTP; 550-Verification failed for <bounces@sender.test>', transcript);
    expect(whole).toContain('Sender verify failed');
    expect(recipient('5.1.1', whole as string)).toMatchObject({ reason: 'blocked', hard: false });
  });

  it('qmail\'s "does not like recipient" is a refusal at RCPT TO', () => {
    expect(smtpStage('192.0.2.1 does not like recipient.\nRemote host said: 550 mailbox unavailable')).toBe(
      'rcpt',
    );
    expect(
      recipient(
        undefined,
        '192.0.2.1 does not like recipient.\nRemote host said: 550 Requested action not taken: mailbox unavailable',
      ),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
    expect(smtpStage('192.0.2.1 failed after I sent the message.\nRemote host said: 554 rejected')).toBe(
      'data',
    );
  });

  it('the words after an address that runs into them ("a@b.example...User unknown") are read', () => {
    expect(
      recipient('5.0.0', 'smtp; 550 a@example.net...User unknown (in reply to RCPT TO command)'),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });

  it('"Nonexistent user" under a policy code is a dead address', () => {
    expect(
      recipient(
        '5.7.1',
        'smtp; 554 5.7.1 <a@example.com>: Recipient address rejected: Nonexistent user (in reply to RCPT TO command)',
      ),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
  });
});
