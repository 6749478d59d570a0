import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { ImapMailboxClient } from '../../lambdas/adapters/imap/imap-mailbox-client.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { type ScanDeps, scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { type Cut, CuttingProxy } from '../support/cutting-proxy.js';
import { Dovecot } from '../support/dovecot.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';
import { FakeClock } from '../support/fakes.js';
import { imapMailbox } from '../support/pop-mailbox.js';

const QMAIL = readFileSync(join(import.meta.dirname, '../fixtures/mail/qmail.eml'), 'latin1');
const bounce = (i: number) =>
  Buffer.from(QMAIL.replace(/^Message-ID:.*$/im, `Message-ID: <fault-${i}@test>`), 'latin1');

/**
 * A connection cut by a proxy in front of dovecot at the worst moments of an IMAP scan: in the middle
 * of a FETCH, after a MOVE reached the server, and at LOGOUT. Nothing unrecorded is ever moved or
 * deleted, and the scans that follow count nothing twice.
 */
describe.each([
  ['move', { after_processing: 'move', move_to: 'Processed' }],
  ['delete', {}],
] as const)('IMAP scan with the connection cut (%s)', (_name, disposal) => {
  let dovecot: Dovecot;
  let proxy: CuttingProxy;
  let table: TestTable;
  let deps: ScanDeps;
  let clock: FakeClock;
  const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });

  beforeAll(async () => {
    dovecot = await Dovecot.start();
    proxy = await CuttingProxy.start({ host: dovecot.host, port: dovecot.imapPort });
  });
  afterAll(async () => {
    await proxy?.close();
    await dovecot?.stop();
  });
  beforeEach(async () => {
    table = await testTable();
    clock = new FakeClock();
    proxy.cut = undefined;
    deps = {
      record: recordDepsOver(table, clock),
      connector: new ImapMailboxClient({ timeoutMs: 5_000 }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
    const p = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: TEST_USER, pass: TEST_PASSWORD },
      logger: false,
    });
    p.on('error', () => undefined);
    await p.connect();
    await p.mailboxOpen('INBOX');
    await p.messageDelete('1:*').catch(() => undefined);
    await p.mailboxDelete('Processed').catch(() => undefined);
    await p.logout();
    dovecot.seed([bounce(1), bounce(2), bounce(3)]);
  });

  const mailbox = (): MailboxSettings =>
    imapMailbox({
      host: '127.0.0.1',
      port: proxy.port,
      tls: 'none',
      ...(disposal as Partial<MailboxSettings>),
    });
  const scan = () =>
    scanMailbox(deps, settings, mailbox(), {
      owner: 'it',
      deadline: new Date(clock.now().getTime() + 60_000),
      leaseMs: 60_000,
    });
  const stored = async () => (await table.bounces.list({ order: 'asc', per_page: 100 })).results;
  const removed = () => 3 - dovecot.files().length;

  /** After the cut: every message that left INBOX was recorded; then clean scans finish the job once. */
  async function expectSafeAfter(cut: Cut) {
    proxy.cut = cut;
    const first = await scan();
    expect(proxy.cuts).toBeGreaterThan(0);
    const recordedAfterCut = (await stored()).length;
    expect(removed()).toBeLessThanOrEqual(recordedAfterCut);
    proxy.cut = undefined;
    proxy.cuts = 0;
    const second = await scan();
    expect(second.error).toBeUndefined();
    const third = await scan();
    expect(third).toMatchObject({ on_server: 0, fetched: 0 });
    const all = await stored();
    expect(all).toHaveLength(3);
    expect(new Set(all.map((b) => b.id)).size).toBe(3);
    expect(dovecot.files()).toHaveLength(0);
    if (mailbox().after_processing === 'move') expect(dovecot.files('Processed')).toHaveLength(3);
    return first;
  }

  it('in the middle of a FETCH: nothing leaves the folder', async () => {
    const first = await expectSafeAfter({ during: /UID FETCH \d+ \(.*BODY\.PEEK\[\]/, count: 2 });
    expect(first.error).toBeDefined();
    expect(first.deleted + first.moved).toBe(0);
  });

  it('after the MOVE or EXPUNGE reached the server, before its answer came back: counted as uncertain', async () => {
    const first = await expectSafeAfter({ after: /UID (MOVE|EXPUNGE)/ });
    expect(first.error).toBeDefined();
    // Unconfirmed: neither moved nor deleted, all of it uncertain (the server did apply it).
    expect(first).toMatchObject({ deleted: 0, moved: 0, deletions_uncertain: 3, failure: 'connection' });
  });

  it('before the MOVE or EXPUNGE reached the server: uncertain, then removed once without fetching again', async () => {
    proxy.cut = { before: /UID (MOVE|EXPUNGE)/ };
    const first = await scan();
    expect(proxy.cuts).toBeGreaterThan(0);
    expect(first).toMatchObject({ fetched: 3, deleted: 0, moved: 0, deletions_uncertain: 3 });
    expect(dovecot.files()).toHaveLength(3);
    proxy.cut = undefined;
    proxy.cuts = 0;
    const second = await scan();
    expect(second.error).toBeUndefined();
    const removedCount = mailbox().after_processing === 'move' ? second.moved : second.deleted;
    expect(second).toMatchObject({
      on_server: 3,
      fetched: 0,
      recorded: 0,
      duplicates: 0,
      deletions_uncertain: 0,
    });
    expect(removedCount).toBe(3);
    expect(dovecot.files()).toHaveLength(0);
    expect(await stored()).toHaveLength(3);
  });

  it('a server that stalls is cut off when the scan must finish, not at the longer socket timeout', async () => {
    deps.connector = new ImapMailboxClient({ timeoutMs: 60_000 });
    proxy.cut = { stall: /UID FETCH \d+ \(.*BODY\.PEEK\[\]/ };
    const first = await scanMailbox(deps, settings, mailbox(), {
      owner: 'it',
      deadline: new Date(clock.now().getTime() + 60_000),
      finishBy: new Date(clock.now().getTime() + 1_500),
      leaseMs: 60_000,
    });
    expect(proxy.cuts).toBeGreaterThan(0);
    expect(first.error).toMatch(/time ran out/);
    expect(first).toMatchObject({ failure: 'connection', deleted: 0, moved: 0, deletions_uncertain: 0 });
    expect(dovecot.files()).toHaveLength(3);
    proxy.cut = undefined;
    const second = await scan();
    expect(second.error).toBeUndefined();
    expect(second.deleted + second.moved).toBe(3);
  });

  it('at LOGOUT, once everything was moved or deleted', async () => {
    const first = await expectSafeAfter({ before: /LOGOUT/ });
    // The moves and deletions had been answered: the scan says so and reports no error.
    expect(first.error).toBeUndefined();
    expect(first.deleted + first.moved).toBe(3);
    expect(first.deletions_uncertain).toBe(0);
  });
});
