import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxConnection } from '../../lambdas/adapters/pop3/mailbox-client.js';
import { Pop3Client, type Pop3ConnectOptions } from '../../lambdas/adapters/pop3/pop3-client.js';
import { Pop3MailboxClient } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { bigMessage, DOTS } from '../adapters/pop3/messages.js';
import { Dovecot } from '../support/dovecot.js';
import { TEST_CERT, TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';

/** Dovecot stores and serves CRLF text as is; bare LF, lone CR and NUL it would rewrite. */
const EIGHT_BIT = Buffer.concat([
  Buffer.from('Subject: 8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
  Buffer.from('Grüße, 日本語\r\n', 'utf8'),
  Buffer.from([0x80, 0xfe, 0xff, 0x2e, 0x0d, 0x0a]),
  Buffer.from('.\r\n..\r\nlast\r\n'),
]);
const BIG = bigMessage(512 * 1024);
const SEEDED = [DOTS, EIGHT_BIT, BIG];

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await Dovecot.start();
  dovecot.seed(SEEDED);
});

afterAll(async () => {
  await dovecot?.stop();
});

function connect(
  mode: 'plain' | 'stls' | 'pop3s',
  options: Partial<Pop3ConnectOptions> = {},
): Promise<Pop3Client> {
  const tls = { plain: 'none', stls: 'starttls', pop3s: 'implicit' } as const;
  return Pop3Client.connect({
    host: dovecot.host,
    port: mode === 'pop3s' ? dovecot.pop3sPort : dovecot.pop3Port,
    tls: tls[mode],
    ca: TEST_CERT,
    servername: 'localhost',
    timeoutMs: 5000,
    ...options,
  });
}

describe('Pop3Client against dovecot', () => {
  it.each(['plain', 'stls', 'pop3s'] as const)(
    'logs in over %s and sees the seeded messages',
    async (mode) => {
      const client = await connect(mode);
      await client.login(TEST_USER, TEST_PASSWORD);
      expect(await client.stat()).toEqual({ count: 3, size: DOTS.length + EIGHT_BIT.length + BIG.length });
      expect(await client.capa()).toContain('UIDL');
      await client.quit();
    },
  );

  it('refuses a certificate it cannot verify', async () => {
    await expect(connect('pop3s', { ca: undefined })).rejects.toMatchObject({ code: 'tls' });
    await expect(connect('stls', { servername: 'pop.example.com' })).rejects.toMatchObject({ code: 'tls' });
  });

  it('lists sizes, and UIDs that stay the same across sessions', async () => {
    const first = await connect('pop3s');
    await first.login(TEST_USER, TEST_PASSWORD);
    const uids = await first.uidl();
    expect(await first.list()).toEqual(SEEDED.map((m, i) => ({ n: i + 1, size: m.length })));
    await first.quit();
    expect(uids.map((e) => e.n)).toEqual([1, 2, 3]);
    // pop3_uidl_format = %08Xu%08Xv: the IMAP UID, then the mailbox's UIDVALIDITY.
    const validity = uids[0]?.uid.slice(8);
    expect(uids.map((e) => e.uid)).toEqual(
      ['00000001', '00000002', '00000003'].map((u) => `${u}${validity}`),
    );
    expect(validity).toMatch(/^[0-9a-f]{8}$/i);

    const second = await connect('plain');
    await second.login(TEST_USER, TEST_PASSWORD);
    expect(await second.uidl()).toEqual(uids);
    await second.quit();
  });

  it('retrieves the exact bytes of every message, dot lines and 8-bit included', async () => {
    const client = await connect('stls');
    await client.login(TEST_USER, TEST_PASSWORD);
    for (const [i, message] of SEEDED.entries()) {
      expect((await client.retr(i + 1)).equals(message)).toBe(true);
    }
    await expect(client.retr(9)).rejects.toMatchObject({ code: 'server', command: 'RETR' });
    await client.quit();
  });

  it('deletes through the MailboxClient only at commit', async () => {
    const [extra] = dovecot.seed([Buffer.from('Subject: to delete\r\n\r\nbye\r\n')]);
    const mailboxes = new Pop3MailboxClient({ ca: TEST_CERT, servername: 'localhost', timeoutMs: 5000 });
    const mailbox: MailboxConnection = {
      host: dovecot.host,
      port: dovecot.pop3sPort,
      tls: 'implicit',
      tls_skip_verify: false,
      auth_protocol: 'userpass',
      username: TEST_USER,
      password: TEST_PASSWORD,
    };
    const abandoned = await mailboxes.open(mailbox);
    const listed = await abandoned.list();
    expect(listed).toHaveLength(4);
    const target = listed[3]?.uid as string;
    await abandoned.delete(target);
    abandoned.close();

    const session = await mailboxes.open(mailbox);
    expect((await session.list()).map((m) => m.uid)).toContain(target);
    expect(Buffer.from((await session.fetch(target)) as Uint8Array).toString()).toBe(
      'Subject: to delete\r\n\r\nbye\r\n',
    );
    await session.delete(target);
    await session.commit();

    const after = await mailboxes.open(mailbox);
    expect((await after.list()).map((m) => m.uid)).toEqual(listed.slice(0, 3).map((m) => m.uid));
    await after.commit();
    expect(dovecot.files().some((f) => f.startsWith(extra as string))).toBe(false);
    expect(dovecot.files()).toHaveLength(3);
  });

  // Last: after a failed login dovecot's anvil delays the next good one by about 4 s.
  it('rejects a wrong password with an auth error naming no credential', async () => {
    const client = await connect('plain');
    const error = await client.login(TEST_USER, 'wrong-password').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Pop3Error', code: 'auth', command: 'PASS' });
    expect((error as Error).message).toMatch(/^POP3 login failed: /);
    expect((error as Error).message).not.toContain('wrong-password');
    expect(client.closed).toBe(true);
  });
});
