import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pop3ConnectionTester } from '../../lambdas/adapters/pop3/pop3-connection-tester.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import { FakePop3Server, TEST_CERT, TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';

describe('POST /api/mailboxes/{uuid}/test', () => {
  let api: ApiHarness;
  let servers: FakePop3Server[];

  beforeEach(async () => {
    servers = [];
    api = await apiHarness({
      mailboxTester: new Pop3ConnectionTester({
        timeLimitMs: 2_000,
        ca: TEST_CERT,
        resolve: async (host) => {
          if (host !== 'localhost') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      }),
    });
  });

  afterEach(async () => {
    for (const s of servers) await s.close();
  });

  async function pop(options: Parameters<typeof FakePop3Server.start>[0] = {}) {
    const server = await FakePop3Server.start({
      users: { [TEST_USER]: TEST_PASSWORD },
      messages: ['Subject: one\r\n\r\nbody\r\n', 'Subject: two\r\n\r\nbody\r\n'],
      ...options,
    });
    servers.push(server);
    return server;
  }

  /** Saves one mailbox (disabled, as a person checks it before turning it on) and tests it. */
  async function test(mailbox: Record<string, unknown>, permissions?: string[]) {
    const { version } = await api.settings.current();
    const saved = await api.settings.save(
      {
        mailboxes: [
          {
            host: '127.0.0.1',
            tls: 'none',
            username: TEST_USER,
            password: TEST_PASSWORD,
            enabled: false,
            scan_interval: '15m',
            ...mailbox,
          },
        ],
      },
      version,
    );
    const uuid = saved.settings.mailboxes[0]?.uuid as string;
    return api.call({
      method: 'POST',
      resource: '/api/mailboxes/{uuid}/test',
      pathParameters: { uuid },
      ...(permissions ? { permissions } : {}),
    });
  }

  it('logs in, runs STAT and UIDL, and never fetches or deletes', async () => {
    const server = await pop();
    const res = await test({ port: server.port });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ok: true, stage: null });
    expect(res.body.data.message).toMatch(/2 messages/);
    const commands = server.sessions.flatMap((s) => s.commands.map((c) => c.split(' ')[0]?.toUpperCase()));
    expect(commands).toEqual(expect.arrayContaining(['USER', 'PASS', 'STAT', 'UIDL', 'QUIT']));
    expect(commands).not.toContain('RETR');
    expect(commands).not.toContain('DELE');
    expect(commands).not.toContain('TOP');
    expect(server.mailbox).toHaveLength(2);
  });

  it('answers stage auth for a refused password, without the password', async () => {
    const server = await pop();
    const res = await test({ port: server.port, password: 'wrong-Pa55word' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ok: false, stage: 'auth' });
    expect(res.text).not.toContain('wrong-Pa55word');
  });

  it('answers stage connect when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const res = await test({ port });
    expect(res.body.data).toMatchObject({ ok: false, stage: 'connect' });
  });

  it('answers stage dns for a host that does not resolve', async () => {
    const res = await test({ host: 'pop.nowhere.example', port: 995 });
    expect(res.body.data).toMatchObject({ ok: false, stage: 'dns' });
    expect(res.body.data.message).toContain('pop.nowhere.example');
  });

  it('answers stage tls when the TLS handshake fails', async () => {
    const server = await pop({ tls: 'none' });
    const res = await test({ port: server.port, tls: 'implicit' });
    expect(res.body.data).toMatchObject({ ok: false, stage: 'tls' });
  });

  it('answers stage greeting when the server says nothing', async () => {
    const server = await pop({ stallOn: 'greeting' });
    const res = await test({ port: server.port });
    expect(res.body.data).toMatchObject({ ok: false, stage: 'greeting' });
  });

  it('tests while bounce processing is disabled', async () => {
    const server = await pop();
    const { version } = await api.settings.current();
    await api.settings.save({ enabled: false }, version);
    const res = await test({ port: server.port });
    expect(res.body.data.ok).toBe(true);
  });

  it('answers 404 for an unknown mailbox, 400 for a bad uuid, 403 without settings:manage', async () => {
    const call = (uuid: string, permissions?: string[]) =>
      api.call({
        method: 'POST',
        resource: '/api/mailboxes/{uuid}/test',
        pathParameters: { uuid },
        ...(permissions ? { permissions } : {}),
      });
    expect((await call(NOBODY)).status).toBe(404);
    expect((await call('inbox')).status).toBe(400);
    expect((await call(NOBODY, ['settings:get', 'bounces:manage'])).status).toBe(403);
  });
});
