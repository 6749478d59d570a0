import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { testMailboxConnection } from '../../lambdas/core/mailbox/test-connection.js';
import type { MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { mailboxConnector } from '../../lambdas/handlers/mailbox-deps.js';
import { Dovecot } from '../support/dovecot.js';
import { TEST_CERT } from '../support/fake-pop3-server.js';
import { imapMailbox, popMailbox } from '../support/pop-mailbox.js';

/** The connection test against a real dovecot, for both types: every TLS mode, and the failing stages. */
describe('mailbox connection test against dovecot', () => {
  let dovecot: Dovecot;
  const connector = mailboxConnector({
    secrets: new MemorySecretStore(),
    client: { ca: TEST_CERT, servername: 'localhost', timeoutMs: 5_000 },
  });
  const test = (m: MailboxSettings) => testMailboxConnection(connector, m);

  beforeAll(async () => {
    dovecot = await Dovecot.start();
    dovecot.seed([Buffer.from('Subject: one\r\n\r\nbody\r\n')]);
  });
  afterAll(() => dovecot?.stop());

  const boxes = () => ({
    'pop3 plain': popMailbox({ host: dovecot.host, port: dovecot.pop3Port, tls: 'none' }),
    'pop3 STLS': popMailbox({ host: dovecot.host, port: dovecot.pop3Port, tls: 'starttls' }),
    'pop3 implicit TLS': popMailbox({ host: dovecot.host, port: dovecot.pop3sPort, tls: 'implicit' }),
    'imap plain': imapMailbox({ host: dovecot.host, port: dovecot.imapPort, tls: 'none' }),
    'imap STARTTLS': imapMailbox({ host: dovecot.host, port: dovecot.imapPort, tls: 'starttls' }),
    'imap implicit TLS': imapMailbox({ host: dovecot.host, port: dovecot.imapsPort, tls: 'implicit' }),
  });

  for (const name of [
    'pop3 plain',
    'pop3 STLS',
    'pop3 implicit TLS',
    'imap plain',
    'imap STARTTLS',
    'imap implicit TLS',
  ] as const) {
    it(`signs in and counts without touching a message (${name})`, async () => {
      const result = await test(boxes()[name]);
      expect(result).toMatchObject({ ok: true, stage: null });
      expect(result.message).toContain('1 message');
    });
  }

  it('leaves the message unread and creates nothing', async () => {
    await test({ ...boxes()['imap plain'], after_processing: 'move', move_to: 'Never' });
    expect(dovecot.files()).toHaveLength(1);
    expect(dovecot.files('Never')).toHaveLength(0);
  });

  it.each(['pop3', 'imap'] as const)(
    'names the stage that failed (%s): connect, tls, folder',
    async (type) => {
      const plain = type === 'pop3' ? boxes()['pop3 plain'] : boxes()['imap plain'];
      const secure = type === 'pop3' ? boxes()['pop3 implicit TLS'] : boxes()['imap implicit TLS'];
      expect(await test({ ...plain, host: 'no-such-host.invalid' })).toMatchObject({
        ok: false,
        stage: 'dns',
      });
      expect(await test({ ...plain, port: 1 })).toMatchObject({ ok: false, stage: 'connect' });
      // The TLS port spoken to in clear text, and the plain port spoken to in TLS.
      expect(await test({ ...plain, tls: 'implicit' })).toMatchObject({ ok: false, stage: 'tls' });
      expect((await test({ ...secure, tls: 'none' })).ok).toBe(false);
      if (type === 'imap')
        expect(await test({ ...plain, folder: 'No such folder' })).toMatchObject({
          ok: false,
          stage: 'folder',
        });
    },
  );

  // Last: dovecot makes the next login wait after a refused one.
  it.each(['pop3', 'imap'] as const)(
    'a wrong password is stage auth, without the password in the message (%s)',
    async (type) => {
      const box = type === 'pop3' ? boxes()['pop3 plain'] : boxes()['imap plain'];
      const result = await test({ ...box, password: 'wrong-Pa55-word' });
      expect(result).toMatchObject({ ok: false, stage: 'auth' });
      expect(result.message).not.toContain('wrong-Pa55-word');
    },
  );
});
