import { describe, expect, it } from 'vitest';
import { Pop3Error } from '../../../lambdas/adapters/pop3/errors.js';
import { Pop3Client, type Pop3ConnectOptions } from '../../../lambdas/adapters/pop3/pop3-client.js';
import {
  type FakePop3Options,
  type FakePop3Server,
  TEST_CERT,
  TEST_PASSWORD,
  TEST_USER,
} from '../../support/fake-pop3-server.js';
import { fakePop3Servers } from '../../support/fake-pop3-servers.js';
import { bigMessage, DOTS, EIGHT_BIT, NO_FINAL_CRLF } from './messages.js';

const CRLF = Buffer.from('\r\n');
const { serve, forget } = fakePop3Servers({ messages: [DOTS, NO_FINAL_CRLF, EIGHT_BIT] });

function connect(server: FakePop3Server, options: Partial<Pop3ConnectOptions> = {}): Promise<Pop3Client> {
  const tls = server.options.tls === 'implicit' ? 'implicit' : 'none';
  return Pop3Client.connect({
    host: server.host,
    port: server.port,
    tls,
    ca: TEST_CERT,
    timeoutMs: 2000,
    ...options,
  });
}

async function session(
  server: FakePop3Server,
  options: Partial<Pop3ConnectOptions> = {},
): Promise<Pop3Client> {
  const client = await connect(server, options);
  await client.login(TEST_USER, TEST_PASSWORD);
  return client;
}

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<Pop3Error> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Pop3Error);
  return error as Pop3Error;
}

const MODES: Array<[string, FakePop3Options, Partial<Pop3ConnectOptions>]> = [
  ['plain', {}, { tls: 'none' }],
  ['implicit TLS', { tls: 'implicit' }, { tls: 'implicit', servername: 'localhost' }],
  ['STLS', {}, { tls: 'starttls', servername: 'localhost' }],
  ['plain, 1-byte writes', { split: 1 }, { tls: 'none' }],
  ['implicit TLS, 1-byte writes', { tls: 'implicit', split: 1 }, { tls: 'implicit' }],
  ['STLS, 7-byte writes', { split: 7 }, { tls: 'starttls' }],
];

describe.each(MODES)('Pop3Client over %s', (_name, serverOptions, clientOptions) => {
  it('lists, retrieves exact bytes and quits', async () => {
    const server = await serve(serverOptions);
    const client = await session(server, clientOptions);
    expect(await client.stat()).toEqual({
      count: 3,
      size: DOTS.length + NO_FINAL_CRLF.length + EIGHT_BIT.length,
    });
    expect(await client.uidl()).toEqual([
      { n: 1, uid: 'uid-1' },
      { n: 2, uid: 'uid-2' },
      { n: 3, uid: 'uid-3' },
    ]);
    expect(await client.list()).toEqual([
      { n: 1, size: DOTS.length },
      { n: 2, size: NO_FINAL_CRLF.length },
      { n: 3, size: EIGHT_BIT.length },
    ]);
    expect((await client.retr(1)).equals(DOTS)).toBe(true);
    expect((await client.retr(2)).equals(Buffer.concat([NO_FINAL_CRLF, CRLF]))).toBe(true);
    expect((await client.retr(3)).equals(Buffer.concat([EIGHT_BIT, CRLF]))).toBe(true);
    await client.quit();
    expect(client.closed).toBe(true);
    await server.allClosed();
  });
});

describe('Pop3Client', () => {
  it('retrieves a 1 MB message exactly from writes cut anywhere', async () => {
    const big = bigMessage(1024 * 1024);
    const server = await serve({ messages: [big], split: 997 });
    const client = await session(server);
    expect((await client.retr(1)).equals(big)).toBe(true);
    await client.quit();
  });

  it('retrieves a 64 KB message exactly from 7-byte writes', async () => {
    const big = bigMessage(64 * 1024);
    const server = await serve({ messages: [big], split: 7, pauseEvery: 8 });
    const client = await session(server);
    expect((await client.retr(1)).equals(big)).toBe(true);
    await client.quit();
  });

  it('reads CAPA, TOP and NOOP', async () => {
    const server = await serve();
    const client = await connect(server);
    expect(await client.capa()).toEqual(['USER', 'UIDL', 'TOP', 'STLS']);
    await client.login(TEST_USER, TEST_PASSWORD);
    await client.noop();
    expect((await client.top(1, 1)).toString()).toBe(
      'From: mailer-daemon@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n',
    );
    await client.quit();
  });

  it('deletes marked messages at QUIT only, and RSET unmarks them', async () => {
    const server = await serve();
    const first = await session(server);
    await first.dele(1);
    await first.dele(3);
    expect(await first.uidl()).toEqual([{ n: 2, uid: 'uid-2' }]);
    expect(server.mailbox).toHaveLength(3);
    await first.rset();
    expect((await first.uidl()).map((e) => e.uid)).toEqual(['uid-1', 'uid-2', 'uid-3']);
    await first.dele(2);
    await first.quit();
    expect(server.mailbox.map((m) => m.uid)).toEqual(['uid-1', 'uid-3']);

    const second = await session(server);
    expect(await second.uidl()).toEqual([
      { n: 1, uid: 'uid-1' },
      { n: 2, uid: 'uid-3' },
    ]);
    await second.dele(1);
    second.close();
    await server.allClosed();
    expect(server.mailbox.map((m) => m.uid)).toEqual(['uid-1', 'uid-3']);
  });

  it('maps -ERR to a server error carrying its text, and the session stays usable', async () => {
    const server = await serve();
    const client = await session(server);
    const missing = await failure(client.retr(9));
    expect(missing).toMatchObject({ code: 'server', command: 'RETR', serverText: 'no such message' });
    expect(missing.kind).toBe('internal');
    expect((await client.retr(1)).equals(DOTS)).toBe(true);
    await client.quit();
  });

  it('keeps the RFC 2449 response code of a refusal', async () => {
    const server = await serve({ replies: { DELE: '-ERR [SYS/TEMP] storage unavailable' } });
    const client = await session(server);
    const error = await failure(client.dele(1));
    expect(error).toMatchObject({ code: 'server', responseCode: 'SYS/TEMP', command: 'DELE' });
    expect(error.message).toBe('POP3 DELE refused: [SYS/TEMP] storage unavailable');
    await client.quit();
  });

  it('rejects a refused QUIT: the deletions were not applied', async () => {
    const server = await serve({ replies: { QUIT: '-ERR some deleted messages not removed' } });
    const client = await session(server);
    await client.dele(1);
    expect(await failure(client.quit())).toMatchObject({ code: 'server', command: 'QUIT' });
    expect(client.closed).toBe(true);
    await server.allClosed();
  });

  it('turns a refused login into an auth error that names no credential, and disconnects', async () => {
    const server = await serve({ refuseLogins: true });
    const client = await connect(server);
    const error = await failure(client.login(TEST_USER, TEST_PASSWORD));
    expect(error).toMatchObject({ code: 'auth', command: 'PASS', responseCode: 'AUTH' });
    expect(error.message).toBe('POP3 login failed: [AUTH] Authentication failed.');
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain(TEST_PASSWORD);
    expect(everything).not.toContain(TEST_USER);
    expect(client.closed).toBe(true);
    await server.allClosed();
    await expect(client.stat()).rejects.toMatchObject({ code: 'connection' });
  });

  it('treats IN-USE at login as a server error, not bad credentials', async () => {
    const server = await serve({ replies: { PASS: '-ERR [IN-USE] mailbox locked' } });
    const client = await connect(server);
    expect(await failure(client.login(TEST_USER, TEST_PASSWORD))).toMatchObject({
      code: 'server',
      responseCode: 'IN-USE',
    });
    await server.allClosed();
  });

  it('redacts the password if a server echoes it', async () => {
    const server = await serve({ replies: { PASS: `-ERR bad password ${TEST_PASSWORD}` } });
    const client = await connect(server);
    const error = await failure(client.login(TEST_USER, TEST_PASSWORD));
    expect(error.message).toBe('POP3 login failed: bad password ***');
    expect(error.serverText).toBe('bad password ***');
  });

  it('refuses credentials with line breaks without sending them', async () => {
    const server = await serve();
    const client = await connect(server);
    const error = await failure(client.login(TEST_USER, 'x\r\nDELE 1'));
    expect(error).toMatchObject({ code: 'auth' });
    expect(error.message).not.toContain('DELE');
    await server.allClosed();
    expect(server.sessions[0]?.commands).toEqual([`USER ${TEST_USER}`]);
  });

  it('fails a RETR cut off by a dropped connection instead of returning part of it', async () => {
    const big = bigMessage(64 * 1024);
    const server = await serve({ messages: [big], dropMidRetr: true, split: 1000 });
    const client = await session(server);
    const error = await failure(client.retr(1));
    expect(error).toMatchObject({ code: 'connection' });
    expect(client.closed).toBe(true);
    await server.allClosed();
  });

  it('times out on a stalled server within the configured time, and disconnects', async () => {
    const server = await serve({ stallOn: 'RETR' });
    const client = await session(server, { timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(client.retr(1));
    expect(error).toMatchObject({ code: 'timeout' });
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1500);
    await server.allClosed();
  });

  it('times out when the server never greets', async () => {
    const server = await serve({ stallOn: 'greeting' });
    expect(await failure(connect(server, { timeoutMs: 200 }))).toMatchObject({ code: 'timeout' });
    await server.allClosed();
  });

  it('fails with a connection error when nothing listens', async () => {
    const server = await serve();
    const port = server.port;
    await server.close();
    forget(server);
    const error = await failure(Pop3Client.connect({ host: '127.0.0.1', port, tls: 'none' }));
    expect(error).toMatchObject({ code: 'connection' });
  });

  it('fails with a TLS error on an untrusted certificate or a wrong name', async () => {
    const server = await serve({ tls: 'implicit' });
    expect(await failure(connect(server, { ca: undefined }))).toMatchObject({ code: 'tls' });
    expect(await failure(connect(server, { servername: 'pop.example.com' }))).toMatchObject({ code: 'tls' });
    const stls = await serve();
    expect(await failure(connect(stls, { tls: 'starttls', ca: undefined }))).toMatchObject({ code: 'tls' });
    await server.allClosed();
    await stls.allClosed();
  });

  it('accepts an untrusted certificate with tlsSkipVerify', async () => {
    const server = await serve({ tls: 'implicit' });
    const client = await session(server, { ca: undefined, tlsSkipVerify: true });
    expect((await client.stat()).count).toBe(3);
    await client.quit();
  });

  it('refuses clear-text bytes injected after the STLS reply', async () => {
    const server = await serve({ afterStls: '+OK injected\r\n' });
    expect(await failure(connect(server, { tls: 'starttls' }))).toMatchObject({ code: 'tls' });
    await server.allClosed();
  });

  it('fails STLS when the server refuses it', async () => {
    const server = await serve({ replies: { STLS: '-ERR TLS not available' } });
    expect(await failure(connect(server, { tls: 'starttls' }))).toMatchObject({
      code: 'tls',
      command: 'STLS',
    });
    await server.allClosed();
  });

  it('runs concurrent calls one after the other', async () => {
    const server = await serve({ split: 3 });
    const client = await session(server);
    const [a, b, c] = await Promise.all([client.retr(1), client.uidl(), client.retr(3)]);
    expect(a.equals(DOTS)).toBe(true);
    expect(b).toHaveLength(3);
    expect(c.equals(Buffer.concat([EIGHT_BIT, CRLF]))).toBe(true);
    await client.quit();
  });

  it('reports a garbled reply as a protocol error', async () => {
    const server = await serve({ replies: { STAT: 'HELLO' } });
    const client = await session(server);
    expect(await failure(client.stat())).toMatchObject({ code: 'protocol' });
    await server.allClosed();
  });
});
