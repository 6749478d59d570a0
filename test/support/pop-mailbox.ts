import { withMailboxDefaults } from '../../lambdas/core/mailbox/mailbox-defaults.js';
import type { MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { TEST_PASSWORD, TEST_USER } from './fake-pop3-server.js';

/** A POP3 mailbox setting for the test user on a loopback server (the fake, or dovecot). */
export function popMailbox(
  at: Pick<MailboxSettings, 'host' | 'port'> & Partial<MailboxSettings>,
): MailboxSettings {
  return withMailboxDefaults({
    uuid: '5e1f0000-0000-4000-8000-000000000001',
    enabled: true,
    type: 'pop',
    auth_protocol: 'userpass',
    username: TEST_USER,
    password: TEST_PASSWORD,
    tls: 'none',
    tls_skip_verify: false,
    scan_interval: '1m',
    max_per_scan: 50,
    ...at,
  });
}

/** An IMAP mailbox setting for the test user on a loopback server (dovecot). */
export function imapMailbox(
  at: Pick<MailboxSettings, 'host' | 'port'> & Partial<MailboxSettings>,
): MailboxSettings {
  return popMailbox({ uuid: '5e1f0000-0000-4000-8000-0000000000a1', type: 'imap', ...at });
}
