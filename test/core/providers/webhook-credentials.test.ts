import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../lambdas/core/errors.js';
import {
  requireBasicAuth,
  requireBasicOrBearer,
} from '../../../lambdas/core/providers/webhook-credentials.js';

const basic = (u: string, p: string) => ({
  authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
});
const CREDS = { username: 'hook', password: 's3cret' };

describe('requireBasicAuth', () => {
  it("admits the configured pair, also as listmonk's `token user:pass`", () => {
    expect(() => requireBasicAuth(basic('hook', 's3cret'), CREDS, 'x')).not.toThrow();
    expect(() => requireBasicAuth({ authorization: 'token hook:s3cret' }, CREDS, 'x')).not.toThrow();
  });

  it.each([
    ['no header', {}],
    ['garbage', { authorization: 'Basic !!!' }],
    ['a prefix of the password', basic('hook', 's3cre')],
    ['the password with more', basic('hook', 's3cret!')],
    ['another user', basic('hook2', 's3cret')],
  ])('refuses %s', (_, headers) => {
    expect(() => requireBasicAuth(headers, CREDS, 'x')).toThrow(UnauthenticatedError);
  });

  it('says the setting is missing when it is blank, naming no secret', () => {
    expect(() =>
      requireBasicAuth(basic('hook', ' '), { username: 'hook', password: ' ' }, 'sparkpost'),
    ).toThrow('sparkpost.username and password are not configured');
  });

  it('never echoes the header in its message', () => {
    try {
      requireBasicAuth(basic('hook', 'guess-123'), CREDS, 'x');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('guess-123');
    }
  });
});

describe('requireBasicOrBearer', () => {
  it('compares a bearer token only with the token, never with the password', () => {
    const config = { ...CREDS, token: '' };
    expect(() => requireBasicOrBearer({ authorization: 'Bearer s3cret' }, config, 'brevo')).toThrow(
      UnauthenticatedError,
    );
  });

  it('is case-insensitive about the scheme', () => {
    expect(() =>
      requireBasicOrBearer(
        { authorization: 'bearer t0ken' },
        { username: '', password: '', token: 't0ken' },
        'brevo',
      ),
    ).not.toThrow();
  });
});
