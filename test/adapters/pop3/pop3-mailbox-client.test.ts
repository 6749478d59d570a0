import { describe, expect, it } from 'vitest';
import type { MailboxConnection } from '../../../lambdas/adapters/pop3/mailbox-client.js';
import { Pop3MailboxClient } from '../../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { type FakePop3Server, TEST_CERT, TEST_PASSWORD, TEST_USER } from '../../support/fake-pop3-server.js';
import { fakePop3Servers } from '../../support/fake-pop3-servers.js';
import { DOTS, NO_FINAL_CRLF } from './messages.js';

const { serve } = fakePop3Servers({
  messages: [
    { uid: 'AAA', body: DOTS },
    { uid: 'BBB', body: NO_FINAL_CRLF },
  ],
});

function mailbox(server: FakePop3Server, changes: Partial<MailboxConnection> = {}): MailboxConnection {
  return {
    host: server.host,
    port: server.port,
    tls: 'starttls',
    tls_skip_verify: false,
    auth_protocol: 'userpass',
    username: TEST_USER,
    password: TEST_PASSWORD,
    ...changes,
  };
}

const client = new Pop3MailboxClient({ ca: TEST_CERT, servername: 'localhost', timeoutMs: 2000 });

describe('Pop3MailboxClient', () => {
  it('lists by UID with sizes, fetches bytes and deletes at commit only', async () => {
    const server = await serve({ split: 5 });
    const session = await client.open(mailbox(server));
    expect(await session.list()).toEqual([
      { uid: 'AAA', size: DOTS.length },
      { uid: 'BBB', size: NO_FINAL_CRLF.length },
    ]);
    expect(Buffer.from((await session.fetch('AAA')) as Uint8Array).equals(DOTS)).toBe(true);
    await session.delete('AAA');
    expect(server.mailbox.map((m) => m.uid)).toEqual(['AAA', 'BBB']);
    await session.commit();
    expect(server.mailbox.map((m) => m.uid)).toEqual(['BBB']);
    await server.allClosed();
  });

  it('deletes nothing when the session is closed without commit', async () => {
    const server = await serve();
    const session = await client.open(mailbox(server));
    await session.list();
    await session.delete('BBB');
    session.close();
    session.close();
    await server.allClosed();
    expect(server.mailbox).toHaveLength(2);
  });

  it('rejects a UID that is not in the listing without touching the session', async () => {
    const server = await serve();
    const session = await client.open(mailbox(server));
    await session.list();
    await expect(session.fetch('ZZZ')).rejects.toMatchObject({ name: 'Pop3Error', code: 'server' });
    expect(Buffer.from((await session.fetch('BBB')) as Uint8Array).toString()).toBe(`${NO_FINAL_CRLF}\r\n`);
    await session.commit();
  });

  it('refuses a listing with one UID twice', async () => {
    const server = await serve({ messages: [DOTS, DOTS].map((body) => ({ uid: 'SAME', body })) });
    const session = await client.open(mailbox(server));
    await expect(session.list()).rejects.toMatchObject({ code: 'protocol' });
    await server.allClosed();
  });

  it('rejects bad credentials with an auth error, closing the connection', async () => {
    const server = await serve();
    const error = await client.open(mailbox(server, { password: 'wrong-password' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Pop3Error', kind: 'internal', code: 'auth' });
    expect(String((error as Error).message)).not.toContain('wrong-password');
    await server.allClosed();
  });

  it('skips the login when auth_protocol is none', async () => {
    const server = await serve();
    const session = await client.open(mailbox(server, { auth_protocol: 'none', tls: 'none' }));
    session.close();
    await server.allClosed();
    expect(server.sessions[0]?.commands).toEqual([]);
  });
});
