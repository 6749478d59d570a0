import { describe, expect, it } from 'vitest';
import { reasonFromStatus, reasonFromText, typeForReason } from '../../../lambdas/core/bounces/classify.js';

describe('classify', () => {
  it.each([
    ['5.1.1', '550 5.1.1 user unknown', 'user_unknown'],
    ['5.2.2', 'mailbox full', 'mailbox_full'],
    ['4.4.7', 'delivery time expired', 'expired'],
    ['5.7.1', 'rejected: DMARC policy', 'policy'],
    ['5.7.1', 'message looks like spam', 'spam_detected'],
    ['5.7.1', 'client host blocked using zen.spamhaus.org', 'blocked'],
    ['552', 'too much mail', 'mailbox_full'],
  ])('status %s with %j is %s', (status, text, reason) => {
    expect(reasonFromStatus(status, text)).toBe(reason);
  });

  it('"domain does not exist" names the domain, not a user', () => {
    expect(reasonFromText('550 example.org: Domain does not exist')).toBe('host_unknown');
    expect(reasonFromText('550 mailbox does not exist')).toBe('user_unknown');
  });

  it('a sender-side block is never hard', () => {
    expect(typeForReason(reasonFromText('550 blocked using bl.spamcop.net'))).toBe('soft');
  });
});
