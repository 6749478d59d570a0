import { describe, expect, it } from 'vitest';
import { parseHeaderBlock } from '../../../lambdas/core/mail/header-block.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { reportingSystem } from '../../../lambdas/core/mail/reporting-system.js';
import { fixture } from './fixtures.js';

const headers = (text: string) => parseHeaderBlock(`${text}\n\n`);
const decoder = new TextDecoder();

describe('reportingSystem', () => {
  it.each([
    ['X-NAI-Header: Modified by McAfee Email Gateway (5500)', 'mcafee'],
    ['X-Mailer: <SMTP32 v8.22>', 'imail'],
    ['From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>', 'messagelabs'],
    ['From: postmaster@hotmail.com', 'hotmail'],
    ['From: MAILER-DAEMON@yahoo.com', 'yahoo'],
    ['From: post_master@vtext.com', 'verizon'],
  ])('%s is %s', (header, name) => {
    expect(reportingSystem(headers(header))?.name).toBe(name);
  });

  it('an ordinary MTA has no known template', () => {
    expect(reportingSystem(headers('From: MAILER-DAEMON@mx1.recipient.test'))).toBeUndefined();
  });
});

describe("a reporting system's own lookup wording", () => {
  it('makes a gateway\'s "Unknown user" a dead address', async () => {
    const [r] = (await parseBounce(fixture('mcafee-gateway.eml'))).recipients;
    expect(r).toMatchObject({ email: 'left@recipient.test', reason: 'user_unknown', hard: true });
  });

  it('counts only from that system: the same report without its header stays soft', async () => {
    const text = decoder.decode(fixture('mcafee-gateway.eml')).replace(/^X-NAI-Header:.*\n/m, '');
    const [r] = (await parseBounce(text)).recipients;
    expect(r).toMatchObject({ email: 'left@recipient.test', hard: false });
  });
});

describe("a report's own category field", () => {
  it("decides the reason (PowerMTA's X-PowerMTA-BounceCategory)", async () => {
    const [r] = (await parseBounce(fixture('powermta-category.eml'))).recipients;
    expect(r).toMatchObject({ email: 'gone@recipient.test', reason: 'user_unknown', hard: true });
  });
});
