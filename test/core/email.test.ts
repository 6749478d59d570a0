import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../lambdas/core/email.js';
import { ValidationError } from '../../lambdas/core/errors.js';

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

  it('accepts quoted local parts and address literals', () => {
    expect(normaliseEmail('"john doe"@example.com')).toBe('"john doe"@example.com');
    expect(normaliseEmail('postmaster@[192.0.2.1]')).toBe('postmaster@[192.0.2.1]');
  });
});
