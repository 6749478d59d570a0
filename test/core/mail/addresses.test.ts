import { describe, expect, it } from 'vitest';
import { addressesIn, addressIn } from '../../../lambdas/core/mail/addresses.js';

describe('addressesIn', () => {
  it('finds every mailbox in order, lower-cased, once each', () => {
    expect(addressesIn('<Ann@Example.com> and bob@example.net, then ann@example.com again')).toEqual([
      'ann@example.com',
      'bob@example.net',
    ]);
  });

  it('keeps a quoted local part whole (RFC 5321 §4.1.2)', () => {
    expect(addressesIn('550 5.1.1 <"john..doe"@example.com>... User Unknown')).toEqual([
      '"john..doe"@example.com',
    ]);
  });

  it('ends a domain at an empty label, as in Sendmail\'s "a@b.example...User unknown"', () => {
    expect(addressesIn('550 Ann@Example.net...User unknown')).toEqual(['ann@example.net']);
  });

  it('leaves out the quotes of the prose around an ordinary address', () => {
    expect(addressesIn('the address "ann@example.com" was refused')).toEqual(['ann@example.com']);
  });
});

describe('addressIn', () => {
  it('reads a report field after its address type', () => {
    expect(addressIn('rfc822; "neko..nyaan"@Example.org')).toBe('"neko..nyaan"@example.org');
  });
});
