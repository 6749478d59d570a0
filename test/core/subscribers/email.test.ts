import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { normaliseEmail } from '../../../lambdas/core/subscribers/email.js';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Ann.Lee+News@Example.COM ')).toBe('ann.lee+news@example.com');
  });

  it.each([
    'plain',
    '@example.com',
    'ann@',
    'ann@localhost',
    'Ann <ann@example.com>',
    'a..b@example.com',
    'ann@-bad.com',
    `${'x'.repeat(65)}@example.com`,
  ])('refuses %s naming the field', (raw) => {
    expect(() => normaliseEmail(raw, 'email')).toThrow(ValidationError);
    expect(() => normaliseEmail(raw, 'email')).toThrow(/^email: /);
  });

  it.each([
    ['"tomb"@x.example', 'tomb@x.example'],
    ['"Tomb"@X.Example', 'tomb@x.example'],
    ['"t\\omb"@x.example', 'tomb@x.example'],
    ['"ann.lee+news"@example.com', 'ann.lee+news@example.com'],
    ['"\\a\\n\\n"@example.com', 'ann@example.com'],
  ])('writes %s, the same mailbox as a dot-atom, as %s', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    ['"john\\ doe"@example.com', '"john doe"@example.com'],
    ['"a..b"@example.com', '"a..b"@example.com'],
    ['"a\\"b"@example.com', '"a\\"b"@example.com'],
    ['"a\\\\b"@example.com', '"a\\\\b"@example.com'],
    ['"\\@"@example.com', '"@"@example.com'],
  ])('keeps the quotes where the content needs them, escaping only " and \\: %s', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it('accepts quoted local parts and address literals', () => {
    expect(normaliseEmail('"john doe"@example.com')).toBe('"john doe"@example.com');
    expect(normaliseEmail('postmaster@[192.0.2.1]')).toBe('postmaster@[192.0.2.1]');
  });
});
