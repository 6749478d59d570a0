import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { validateSettings } from '../../../lambdas/core/settings/settings-validation.js';

/** The error validateSettings throws for a document, or undefined when it accepts it. */
function refusal(change: (s: ReturnType<typeof defaultSettings>) => void): ValidationError | undefined {
  const s = defaultSettings();
  change(s);
  try {
    validateSettings(s);
    return undefined;
  } catch (error) {
    return error as ValidationError;
  }
}

describe('validateSettings: a secret blank after trimming is no secret', () => {
  it.each([
    [
      'postmark.username',
      (s: ReturnType<typeof defaultSettings>) => {
        s.postmark = { enabled: true, username: ' \t ', password: 'pm-secret' };
      },
    ],
    [
      'postmark.password',
      (s: ReturnType<typeof defaultSettings>) => {
        s.postmark = { enabled: true, username: 'pm', password: '   ' };
      },
    ],
    [
      'forwardemail.key',
      (s: ReturnType<typeof defaultSettings>) => {
        s.forwardemail = { enabled: true, key: '\n  ' };
      },
    ],
    [
      'sendgrid.key',
      (s: ReturnType<typeof defaultSettings>) => {
        s.sendgrid = { enabled: true, key: '   ' };
      },
    ],
  ])('refuses enabling with a whitespace %s, naming the field', (field, change) => {
    const error = refusal(change);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.message.startsWith(field)).toBe(true);
  });

  it('accepts a whitespace secret on a provider that stays disabled (it enables nothing)', () => {
    expect(
      refusal((s) => {
        s.postmark = { enabled: false, username: ' ', password: ' ' };
      }),
    ).toBeUndefined();
  });
});
