import { describe, expect, it } from 'vitest';
import { qualify, reportedAddress } from '../../../lambdas/core/mail/address-forms.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture } from './fixtures.js';

describe('reportedAddress', () => {
  it.each([
    ['rfc822; Ann@Recipient.test', { kind: 'address', email: 'ann@recipient.test' }],
    ['rfc822; <ann>', { kind: 'local', local: 'ann' }],
    ['ann', { kind: 'local', local: 'ann' }],
    [
      'rfc822;IMCEASMTP-ann+2Elee+40recipient+2Etest@corp.local',
      { kind: 'address', email: 'ann.lee@recipient.test' },
    ],
    [
      'rfc822;IMCEAEX-_O=CORP_OU=EXCHANGE+20ADMINISTRATIVE+20GROUP+20+28FYDIBOHF23SPDLT+29_CN=RECIPIENTS_CN=ALEE@corp.local',
      { kind: 'local', local: 'alee' },
    ],
    ['x400; /C=GB/ADMD= /PRMD=CORP/O=CORP/S=Lee/G=Ann/', { kind: 'names', given: 'ann', surname: 'lee' }],
    ['x400; c=GB;a= ;p=CORP;o=CORP;s=Lee;g=Ann;', { kind: 'names', given: 'ann', surname: 'lee' }],
    ['rfc822; /G=Ann/S=Lee/O=CORP/@gateway.corp.test', { kind: 'names', given: 'ann', surname: 'lee' }],
  ])('%s', (raw, expected) => {
    expect(reportedAddress(raw)).toEqual(expected);
  });

  it('answers nothing for an empty field or one that names no one', () => {
    expect(reportedAddress('rfc822;')).toBeUndefined();
    expect(reportedAddress('x400; /C=GB/ADMD= /O=CORP/')).toBeUndefined();
  });
});

describe('qualify', () => {
  const original = ['ann.lee@corp.test', 'alee@corp.test', 'bo@corp.test', 'bo@other.test'];

  it('takes the one original recipient the form names', () => {
    expect(qualify({ kind: 'local', local: 'alee' }, original)).toBe('alee@corp.test');
    expect(
      qualify({ kind: 'names', given: 'ann', surname: 'lee' }, ['ann.lee@corp.test', 'bo@corp.test']),
    ).toBe('ann.lee@corp.test');
  });

  it('guesses nothing when two recipients fit, or none', () => {
    expect(qualify({ kind: 'local', local: 'bo' }, original)).toBeUndefined();
    expect(qualify({ kind: 'names', given: 'ann', surname: 'lee' }, original)).toBeUndefined();
    expect(qualify({ kind: 'local', local: 'cy' }, original)).toBeUndefined();
  });
});

function report(finalRecipient: string, to: string): string {
  return [
    'From: MAILER-DAEMON@mx.recipient.test',
    'To: bounces@sender.test',
    'Subject: Returned mail: see transcript for details',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'The original message could not be delivered.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.recipient.test',
    '',
    `Final-Recipient: ${finalRecipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: News <news@sender.test>',
    `To: ${to}`,
    'Subject: November news',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('a report that names its recipient without a whole address', () => {
  it('a local part is qualified from the original recipient with that local part', async () => {
    const parsed = await parseBounce(report('rfc822; ann', 'ann@recipient.test, bo@recipient.test'));
    expect(parsed.recipients.map((r) => [r.email, r.hard])).toEqual([['ann@recipient.test', true]]);
  });

  it("the original's envelope recipient qualifies it when its To names no one", async () => {
    const raw = report('rfc822; ann', 'undisclosed-recipients:;').replace(
      'Subject: November news',
      'Subject: November news\r\nX-Original-To: ann@recipient.test',
    );
    const parsed = await parseBounce(raw);
    expect(parsed.recipients.map((r) => r.email)).toEqual(['ann@recipient.test']);
  });

  it('a local part two original recipients share names neither', async () => {
    const parsed = await parseBounce(report('rfc822; ann', 'ann@one.test, ann@two.test'));
    expect(parsed.is_bounce).toBe(true);
    expect(parsed.recipients).toEqual([]);
  });

  it('an Exchange IMCEASMTP address is the Internet address it wraps', async () => {
    const parsed = await parseBounce(
      report('rfc822;IMCEASMTP-ann+40recipient+2Etest@corp.local', 'ann@recipient.test, bo@recipient.test'),
    );
    expect(parsed.recipients.map((r) => r.email)).toEqual(['ann@recipient.test']);
  });

  it('an Exchange directory name is qualified by its alias, the last CN', async () => {
    const parsed = await parseBounce(
      report(
        'rfc822;IMCEAEX-_O=CORP_OU=FIRST+20ADMINISTRATIVE+20GROUP_CN=RECIPIENTS_CN=bpark@corp.local',
        'Ann Lee <alee@corp.test>, Bo Park <bpark@corp.test>',
      ),
    );
    expect(parsed.recipients.map((r) => r.email)).toEqual(['bpark@corp.test']);
  });

  it('an X.400 address is qualified by surname and given name', async () => {
    const parsed = await parseBounce(fixture('x400-recipient.eml'));
    expect(parsed.recipients).toMatchObject([{ email: 'ann.lee@corp.test', status: '5.1.1', hard: true }]);
  });

  it('a report about one recipient of a message sent to one names that recipient, whatever the form', async () => {
    const parsed = await parseBounce(report('x400; /C=GB/ADMD= /O=CORP/OU1=HQ/', 'Ann Lee <ann@corp.test>'));
    expect(parsed.recipients.map((r) => r.email)).toEqual(['ann@corp.test']);
  });

  it("a local delivery agent's `<ann>... User unknown` line is qualified the same way", async () => {
    const raw = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mail.recipient.test>',
      'To: bounces@sender.test',
      'Subject: Returned mail: User unknown',
      '',
      '   ----- The following addresses had permanent fatal errors -----',
      '<ann>',
      '',
      '   ----- Transcript of session follows -----',
      '<ann>... User unknown',
      '',
      '   ----- Original message follows -----',
      'From: News <news@sender.test>',
      'To: ann@recipient.test, bo@recipient.test',
      'Subject: November news',
      '',
      'Hello.',
      '',
    ].join('\n');
    const parsed = await parseBounce(raw);
    expect(parsed.recipients.map((r) => r.email)).toEqual(['ann@recipient.test']);
  });
});
