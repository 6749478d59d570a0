import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { brevoProvider } from '../../../lambdas/core/providers/brevo.js';
import { mailjetProvider } from '../../../lambdas/core/providers/mailjet.js';
import { sparkpostProvider } from '../../../lambdas/core/providers/sparkpost.js';
import {
  providerSecretPaths,
  validateProviderSlice,
} from '../../../lambdas/core/settings/provider-settings.js';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('settings of the basic-auth providers', () => {
  it.each([sparkpostProvider, mailjetProvider])(
    '$name: user name and password are required while enabled',
    (provider) => {
      const name = provider.name;
      expect(
        fieldOf(() => validateProviderSlice(provider, { enabled: true, username: 'u', password: ' ' })),
      ).toBe(`${name}.password`);
      expect(
        fieldOf(() => validateProviderSlice(provider, { enabled: true, username: '', password: 'p' })),
      ).toBe(`${name}.username`);
      expect(validateProviderSlice(provider, { enabled: true, username: 'u', password: 'p' })).toMatchObject({
        enabled: true,
      });
      expect(validateProviderSlice(provider, { enabled: false, username: '', password: '' })).toMatchObject({
        enabled: false,
      });
    },
  );

  it('brevo: basic auth, a token, or both; never half a pair, never nothing while enabled', () => {
    const ok = (slice: object) =>
      validateProviderSlice(brevoProvider, {
        enabled: true,
        username: '',
        password: '',
        token: '',
        ...slice,
      });
    expect(ok({ username: 'u', password: 'p' })).toMatchObject({ enabled: true });
    expect(ok({ token: 't' })).toMatchObject({ enabled: true });
    expect(ok({ username: 'u', password: 'p', token: 't' })).toMatchObject({ enabled: true });
    expect(fieldOf(() => ok({}))).toBe('brevo.token');
    expect(fieldOf(() => ok({ token: '   ' }))).toBe('brevo.token');
    expect(fieldOf(() => ok({ username: 'u', token: 't' }))).toBe('brevo.password');
    expect(fieldOf(() => ok({ password: 'p', token: 't' }))).toBe('brevo.username');
  });

  it('the passwords and the token are secrets (masked, kept in the secret store); user names are not', () => {
    const paths = providerSecretPaths([sparkpostProvider, mailjetProvider, brevoProvider]).map((p) => p.key);
    expect(paths.sort()).toEqual(['brevo.password', 'brevo.token', 'mailjet.password', 'sparkpost.password']);
  });
});
