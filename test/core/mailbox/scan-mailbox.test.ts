import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { Pop3MailboxClient } from '../../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { MailboxError, type MailboxStage } from '../../../lambdas/core/mailbox/mailbox-error.js';
import type { MailboxErrorCode } from '../../../lambdas/core/mailbox/ports.js';
import { failureOf, type ScanDeps, scanMailbox } from '../../../lambdas/core/mailbox/scan-mailbox.js';
import {
  type BounceSettings,
  effectiveSettings,
  type MailboxSettings,
} from '../../../lambdas/core/settings/settings.js';
import { recordDepsOver, type TestTable, testTable } from '../../support/dynamodb.js';
import {
  type FakePop3Options,
  FakePop3Server,
  TEST_PASSWORD,
  TEST_USER,
} from '../../support/fake-pop3-server.js';
import { FakeClock } from '../../support/fakes.js';
import { popMailbox } from '../../support/pop-mailbox.js';

const MAIL = join(import.meta.dirname, '../../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));

describe('scanMailbox over a POP3 server and dynalite', () => {
  let table: TestTable;
  let server: FakePop3Server;
  let deps: ScanDeps;
  let clock: FakeClock;
  let settings: BounceSettings;
  let mailbox: MailboxSettings;

  async function serve(options: FakePop3Options) {
    server = await FakePop3Server.start({ users: { [TEST_USER]: TEST_PASSWORD }, ...options });
    mailbox = popMailbox({ host: '127.0.0.1', port: server.port });
  }

  beforeEach(async () => {
    table = await testTable();
    clock = new FakeClock();
    settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
    deps = {
      record: recordDepsOver(table, clock),
      connector: new Pop3MailboxClient({ timeoutMs: 2_000 }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
  });
  afterEach(() => server?.close());

  const scan = (owner = 'test') =>
    scanMailbox(deps, settings, mailbox, {
      owner,
      deadline: new Date(clock.now().getTime() + 60_000),
      leaseMs: 60_000,
    });
  const all = async () => (await table.bounces.list({ order: 'asc', per_page: 100 })).results;

  it('records bounces and deletes them, deletes auto-replies and delay notices, leaves human mail', async () => {
    await serve({
      messages: [
        eml('dsn-two-recipients.eml'),
        eml('autoreply-rfc3834.eml'),
        eml('delay-only.eml'),
        eml('human-reply.eml'),
      ],
    });
    const report = await scan();
    expect(report).toMatchObject({ on_server: 4, fetched: 4, deleted: 3, left: 1, stuck: 0, failed: 0 });
    expect(report.recorded).toBeGreaterThan(0);
    expect(report.deferred).toBeGreaterThan(0);
    expect(server.mailbox).toHaveLength(1);
    const stored = await all();
    expect(stored.every((b) => b.source === `pop3:${TEST_USER}@127.0.0.1`)).toBe(true);
  });

  it('does not fetch a kept human message again', async () => {
    await serve({ messages: [eml('human-reply.eml')] });
    await scan();
    const again = await scan();
    expect(again).toMatchObject({ fetched: 0, left: 1 });
  });

  it('records a complaint from an ARF report', async () => {
    await serve({ messages: [eml('arf-complaint.eml')] });
    const report = await scan();
    expect(report.complaints).toBe(1);
    expect((await all())[0]).toMatchObject({ type: 'complaint', reason: 'complaint' });
  });

  it('a connection dropped mid-scan deletes nothing, and the re-scan counts nothing twice', async () => {
    await serve({ messages: [eml('dsn-two-recipients.eml'), eml('qmail.eml')], dropMidRetr: true });
    const first = await scan();
    expect(first.error).toBeDefined();
    expect(server.mailbox).toHaveLength(2);
    const storedAfterDrop = (await all()).length;
    await server.close();
    const messages = [eml('dsn-two-recipients.eml'), eml('qmail.eml')];
    await serve({ messages });
    await scan();
    await scan();
    const ids = (await all()).map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(storedAfterDrop);
  });

  it('a connection lost while the next message is read ahead records this one and deletes nothing', async () => {
    await serve({ messages: [eml('qmail.eml'), eml('exim.eml')], dropMidRetr: 2 });
    const first = await scan();
    expect(first).toMatchObject({ fetched: 2, deleted: 0 });
    expect(first.error).toBeDefined();
    const afterDrop = await all();
    expect(afterDrop.length).toBeGreaterThan(0);
    expect(server.mailbox).toHaveLength(2);
    await server.close();
    await serve({ messages: [eml('qmail.eml'), eml('exim.eml')] });
    const again = await scan();
    expect(again).toMatchObject({ deleted: 2, duplicates: afterDrop.length });
    expect(server.mailbox).toHaveLength(0);
  });

  describe('deletions count only once QUIT succeeded', () => {
    const settled = () => [eml('qmail.eml'), eml('autoreply-rfc3834.eml'), eml('exim.eml')];

    /** First scan against a server whose QUIT fails as given, then a scan against a sound one. */
    async function quitFailsThenRescan(quit: FakePop3Options) {
      await serve({ messages: settled(), ...quit });
      const first = await scan();
      const storedFirst = (await all()).length;
      const left = server.mailbox.map((m) => m.body);
      await server.close();
      await serve({ messages: left });
      const again = await scan();
      return { first, storedFirst, again };
    }

    it('QUIT answered -ERR: nothing counted as deleted, all of it uncertain', async () => {
      await serve({ messages: settled(), replies: { QUIT: '-ERR [SYS/TEMP] cannot update maildrop' } });
      const report = await scan();
      expect(report).toMatchObject({ fetched: 3, deleted: 0, deletions_uncertain: 3, failure: 'protocol' });
      expect(report.error).toMatch(/QUIT/);
    });

    it('QUIT answered -ERR: the later scan deletes what is still there without fetching or counting it again', async () => {
      const { first, storedFirst, again } = await quitFailsThenRescan({
        replies: { QUIT: '-ERR [SYS/TEMP] cannot update maildrop' },
      });
      expect(first.recorded).toBeGreaterThan(0);
      expect(again).toMatchObject({
        on_server: 3,
        fetched: 0,
        recorded: 0,
        duplicates: 0,
        ignored: 0,
        left: 0,
        deleted: 3,
        deletions_uncertain: 0,
      });
      expect(again.error).toBeUndefined();
      expect(server.mailbox).toHaveLength(0);
      expect(await all()).toHaveLength(storedFirst);
    });

    it('connection dropped at QUIT before the server applied it: uncertain, then deleted once', async () => {
      const { first, again } = await quitFailsThenRescan({ quit: 'drop' });
      expect(first).toMatchObject({ deleted: 0, deletions_uncertain: 3, failure: 'connection' });
      expect(again).toMatchObject({ on_server: 3, fetched: 0, ignored: 0, deleted: 3 });
    });

    it('connection dropped at QUIT after the server applied it: uncertain, and the later scan finds nothing to count', async () => {
      const { first, again } = await quitFailsThenRescan({ quit: 'apply-and-drop' });
      expect(first).toMatchObject({ deleted: 0, deletions_uncertain: 3 });
      expect(again).toMatchObject({ on_server: 0, fetched: 0, deleted: 0, deletions_uncertain: 0, left: 0 });
      expect(await deps.state.states(mailbox.uuid)).toEqual(new Map());
    });

    it('a scan that fails before QUIT deletes nothing and claims nothing uncertain', async () => {
      await serve({ messages: settled(), dropMidRetr: 3 });
      const report = await scan();
      expect(report).toMatchObject({ deleted: 0, deletions_uncertain: 0 });
      expect(report.error).toBeDefined();
    });
  });

  describe('why a scan failed, for the alarms', () => {
    it('refused credentials are a login failure', async () => {
      await serve({ messages: [], refuseLogins: true });
      expect(await scan()).toMatchObject({ failure: 'login' });
    });

    it('an unreachable server is a connection failure', async () => {
      await serve({ messages: [] });
      await server.close();
      expect(await scan()).toMatchObject({ failure: 'connection' });
    });

    it('a server that breaks the protocol is a protocol failure', async () => {
      await serve({ messages: [eml('qmail.eml')], replies: { UIDL: '+OK\r\nnot-a-number uid\r\n.' } });
      expect(await scan()).toMatchObject({ failure: 'protocol' });
    });

    it('IMAP and OAuth2 errors, which say where they failed, map by their stage and code', () => {
      const at = (stage: MailboxStage | null, code?: MailboxErrorCode) =>
        failureOf(new MailboxError(stage, 'failed', code ? { code } : undefined));
      expect([at('auth'), at('token'), at('token', 'connection')]).toEqual(['login', 'login', 'connection']);
      expect([at('dns'), at('connect'), at('tls'), at('greeting')]).toEqual(Array(4).fill('connection'));
      expect([at('folder'), at(null, 'server'), at(null, 'timeout'), at(null)]).toEqual([
        'protocol',
        'protocol',
        'connection',
        'internal',
      ]);
    });

    it('a scan that succeeds names no failure', async () => {
      await serve({ messages: [eml('qmail.eml')] });
      const report = await scan();
      expect(report.error).toBeUndefined();
      expect(report.failure).toBeUndefined();
    });
  });

  it('a stalled server is cut off when the scan must finish, not at the longer read timeout', async () => {
    await serve({ messages: [eml('qmail.eml')], stallOn: 'RETR' });
    const report = await scanMailbox(deps, settings, mailbox, {
      owner: 'test',
      deadline: new Date(clock.now().getTime() + 60_000),
      finishBy: new Date(clock.now().getTime() + 200),
      leaseMs: 60_000,
    });
    expect(report.error).toMatch(/time ran out waiting for the reply to RETR/);
    expect(report).toMatchObject({ failure: 'connection', deleted: 0 });
  });

  it('a message that keeps failing is retried, then skipped as stuck after 3 attempts', async () => {
    await serve({ messages: [eml('qmail.eml'), eml('human-reply.eml')] });
    deps.parse = async (raw) => {
      if (Buffer.from(raw).toString().includes('qmail')) throw new Error('parser exploded');
      return parseBounce(raw);
    };
    expect((await scan()).failed).toBe(1);
    expect((await scan()).failed).toBe(1);
    expect((await scan()).stuck).toBe(1);
    expect(await scan()).toMatchObject({ fetched: 0, left: 2 });
    expect(server.mailbox).toHaveLength(2);
  });

  it('never overlaps: a held lease makes a second scan report locked', async () => {
    await serve({ messages: [] });
    await deps.state.acquireLease(
      mailbox.uuid,
      'other',
      clock.now().toISOString(),
      new Date(clock.now().getTime() + 60_000).toISOString(),
    );
    expect((await scan()).locked).toBe(true);
  });

  it('fetches at most max_per_scan messages', async () => {
    await serve({
      messages: [eml('autoreply-rfc3834.eml'), eml('autoreply-rfc3834.eml'), eml('autoreply-rfc3834.eml')],
    });
    mailbox.max_per_scan = 2;
    expect(await scan()).toMatchObject({ fetched: 2, deleted: 2 });
    expect(server.mailbox).toHaveLength(1);
  });
});
