import { describe, expect, it } from 'vitest';
import { defaultPort, withMailboxDefaults } from '../../../lambdas/core/mailbox/mailbox-defaults.js';
import { effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { MASK, maskSecrets, splitSecrets } from '../../../lambdas/core/settings/settings-secrets.js';
import { isAllowedTokenUrl, validateSettings } from '../../../lambdas/core/settings/settings-validation.js';

const UUID = '5e1f0000-0000-4000-8000-000000000001';

function settingsWith(mailbox: object) {
  return {
    ...effectiveSettings(undefined, undefined),
    mailboxes: [withMailboxDefaults({ uuid: UUID, host: 'mail.example.com', ...mailbox })],
  };
}
const fieldOf = (mailbox: object) => {
  try {
    validateSettings(settingsWith(mailbox));
    return null;
  } catch (error) {
    return (error as { field?: string }).field;
  }
};

describe('mailbox settings: IMAP and OAuth2', () => {
  it('defaults the port by type and TLS', () => {
    expect([
      defaultPort('pop', 'implicit'),
      defaultPort('pop', 'starttls'),
      defaultPort('pop', 'none'),
    ]).toEqual([995, 110, 110]);
    expect([
      defaultPort('imap', 'implicit'),
      defaultPort('imap', 'starttls'),
      defaultPort('imap', 'none'),
    ]).toEqual([993, 143, 143]);
    expect(withMailboxDefaults({ uuid: UUID, type: 'imap' })).toMatchObject({
      port: 993,
      folder: 'INBOX',
      after_processing: 'delete',
      move_to: '',
      oauth2: { provider: 'microsoft', scope: '', token_url: '' },
    });
    expect(withMailboxDefaults({ uuid: UUID, type: 'imap', tls: 'starttls', port: 1143 }).port).toBe(1143);
  });

  it('fills the new fields into mailboxes stored before they existed', () => {
    const stored = {
      mailboxes: [{ uuid: UUID, enabled: true, type: 'pop', host: 'pop.example.com', port: 995 }],
    };
    expect(effectiveSettings(undefined, stored).mailboxes[0]).toMatchObject({
      folder: 'INBOX',
      after_processing: 'delete',
    });
  });

  it('accepts an IMAP mailbox that moves processed mail, and one signing in with OAuth2', () => {
    expect(
      fieldOf({ type: 'imap', folder: 'Bounces', after_processing: 'move', move_to: 'Processed' }),
    ).toBeNull();
    expect(
      fieldOf({
        enabled: true,
        type: 'imap',
        auth_protocol: 'oauth2',
        username: 'bounces@contoso.com',
        oauth2: {
          provider: 'microsoft',
          tenant_id: 'contoso.onmicrosoft.com',
          client_id: 'app',
          client_secret: 'v',
        },
      }),
    ).toBeNull();
  });

  it.each([
    [{ type: 'imap4' }, 'mailboxes[0].type'],
    [{ type: 'pop', folder: 'Bounces' }, 'mailboxes[0].folder'],
    [{ type: 'pop', after_processing: 'move', move_to: 'Done' }, 'mailboxes[0].after_processing'],
    [{ type: 'imap', after_processing: 'archive' }, 'mailboxes[0].after_processing'],
    [{ type: 'imap', after_processing: 'move' }, 'mailboxes[0].move_to'],
    [{ type: 'imap', after_processing: 'move', move_to: 'inbox' }, 'mailboxes[0].move_to'],
    [{ type: 'imap', folder: 'Bad\r\nA1 DELETE INBOX' }, 'mailboxes[0].folder'],
    [{ type: 'imap', folder: '  ' }, 'mailboxes[0].folder'],
    [{ auth_protocol: 'xoauth' }, 'mailboxes[0].auth_protocol'],
    [{ oauth2: { provider: 'yahoo' } }, 'mailboxes[0].oauth2.provider'],
    [{ oauth2: { extra: 1 } }, 'mailboxes[0].oauth2.extra'],
    [{ oauth2: 'token' }, 'mailboxes[0].oauth2'],
    [{ oauth2: { token_url: 'http://idp.example/token' } }, 'mailboxes[0].oauth2.token_url'],
    [{ oauth2: { tenant_id: 'contoso/../../evil' } }, 'mailboxes[0].oauth2.tenant_id'],
  ])('refuses %j naming %s', (mailbox, field) => {
    expect(fieldOf(mailbox)).toBe(field);
  });

  it.each([
    [{ provider: 'microsoft', client_id: 'app', client_secret: 'v' }, 'mailboxes[0].oauth2.tenant_id'],
    [
      { provider: 'microsoft', client_id: 'app', tenant_id: 't', client_secret: '   ' },
      'mailboxes[0].oauth2.client_secret',
    ],
    [{ provider: 'google', client_id: 'app', client_secret: 's' }, 'mailboxes[0].oauth2.refresh_token'],
    [{ provider: 'google', client_id: 'app', refresh_token: 'r' }, 'mailboxes[0].oauth2.client_secret'],
    [{ provider: 'generic', client_id: 'app', refresh_token: 'r' }, 'mailboxes[0].oauth2.token_url'],
    [
      { provider: 'generic', refresh_token: 'r', token_url: 'https://idp.example/t' },
      'mailboxes[0].oauth2.client_id',
    ],
  ])('an enabled OAuth2 mailbox needs what its provider needs: %j lacks %s', (oauth2, field) => {
    expect(fieldOf({ enabled: true, auth_protocol: 'oauth2', username: 'b@example.com', oauth2 })).toBe(
      field,
    );
    expect(
      fieldOf({ enabled: false, auth_protocol: 'oauth2', username: 'b@example.com', oauth2 }),
    ).toBeNull();
  });

  it('an enabled OAuth2 mailbox needs the username it signs in as', () => {
    const oauth2 = { provider: 'google', client_id: 'a', client_secret: 's', refresh_token: 'r' };
    expect(fieldOf({ enabled: true, auth_protocol: 'oauth2', oauth2 })).toBe('mailboxes[0].username');
  });

  it('allows token URLs over https, and http only to this machine', () => {
    expect(isAllowedTokenUrl('https://login.microsoftonline.com/t/oauth2/v2.0/token')).toBe(true);
    expect(isAllowedTokenUrl('http://127.0.0.1:8080/token')).toBe(true);
    expect(isAllowedTokenUrl('http://localhost/token')).toBe(true);
    expect(isAllowedTokenUrl('http://[::1]:9/token')).toBe(true);
    expect(isAllowedTokenUrl('http://10.0.0.5/token')).toBe(false);
    expect(isAllowedTokenUrl('http://localhost.example.com/token')).toBe(false);
    expect(isAllowedTokenUrl('https://user:pw@idp.example/token')).toBe(false);
    expect(isAllowedTokenUrl('ftp://idp.example/token')).toBe(false);
  });

  it('keeps the client secret and refresh token out of the stored settings and masks them on read', () => {
    const settings = settingsWith({
      type: 'imap',
      oauth2: { provider: 'google', client_id: 'a', client_secret: 'cs-1', refresh_token: 'rt-1' },
    });
    const { plain, secrets } = splitSecrets(settings);
    expect(JSON.stringify(plain)).not.toMatch(/cs-1|rt-1/);
    expect(secrets).toMatchObject({
      [`mailboxes.${UUID}.oauth2.client_secret`]: 'cs-1',
      [`mailboxes.${UUID}.oauth2.refresh_token`]: 'rt-1',
    });
    expect(maskSecrets(settings).mailboxes[0]?.oauth2).toMatchObject({
      client_secret: MASK,
      refresh_token: MASK,
      client_id: 'a',
    });
  });
});
