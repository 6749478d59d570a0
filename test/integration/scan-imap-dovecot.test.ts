import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { ImapMailboxClient } from '../../lambdas/adapters/imap/imap-mailbox-client.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { type ScanDeps, scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { Dovecot } from '../support/dovecot.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { TEST_CERT, TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';
import { FakeClock } from '../support/fakes.js';
import { imapMailbox } from '../support/pop-mailbox.js';

const MAIL = join(import.meta.dirname, '../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));

/** A second IMAP session, as a person with a mail program would have open on the same mailbox. */
async function person(dovecot: Dovecot): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    doSTARTTLS: false,
    auth: { user: TEST_USER, pass: TEST_PASSWORD },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Whole IMAP scans against a real dovecot into dynalite: delete, move, and the rules of POP3. */
describe('IMAP mailbox scan against dovecot', () => {
  let dovecot: Dovecot;
  let table: TestTable;
  let deps: ScanDeps;
  let clock: FakeClock;
  const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });

  beforeAll(async () => {
    dovecot = await Dovecot.start();
  });
  afterAll(() => dovecot?.stop());

  beforeEach(async () => {
    table = await testTable();
    clock = new FakeClock();
    deps = {
      record: recordDepsOver(table, clock),
      connector: new ImapMailboxClient({ timeoutMs: 10_000, ca: TEST_CERT, servername: 'localhost' }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
    // Each test starts from an empty INBOX and no Processed folder.
    const p = await person(dovecot);
    await p.mailboxOpen('INBOX');
    await p.messageDelete('1:*').catch(() => undefined);
    await p.mailboxDelete('Processed').catch(() => undefined);
    await p.logout();
  });

  const scan = (mailbox: MailboxSettings) =>
    scanMailbox(deps, settings, mailbox, {
      owner: 'it',
      deadline: new Date(clock.now().getTime() + 60_000),
      leaseMs: 60_000,
    });
  const boxOn = (extra: Partial<MailboxSettings> = {}) =>
    imapMailbox({
      host: dovecot.host,
      port: dovecot.imapsPort,
      tls: 'implicit',
      max_per_scan: 100,
      ...extra,
    });
  const all = async () => (await table.bounces.list({ order: 'asc', per_page: 100 })).results;

  it('records and deletes the bounces, deletes the auto-reply, leaves the human reply unseen; a re-scan finds only it', async () => {
    dovecot.seed([
      eml('dsn-two-recipients.eml'),
      eml('qmail.eml'),
      eml('autoreply-rfc3834.eml'),
      eml('human-reply.eml'),
    ]);
    const mailbox = boxOn();
    const first = await scan(mailbox);
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({
      on_server: 4,
      fetched: 4,
      deleted: 3,
      moved: 0,
      left: 1,
      failed: 0,
      stuck: 0,
    });
    expect(first.recorded).toBe(2);
    expect(dovecot.files()).toHaveLength(1);
    const stored = await all();
    expect(stored.every((b) => b.source === `imap:${TEST_USER}@127.0.0.1/INBOX`)).toBe(true);
    const second = await scan(mailbox);
    expect(second).toMatchObject({ on_server: 1, fetched: 0, left: 1, deleted: 0 });
    const p = await person(dovecot);
    await p.mailboxOpen('INBOX');
    const [left] = await p.fetchAll('1:*', { flags: true });
    await p.logout();
    expect(left?.flags?.has('\\Seen')).toBe(false);
  });

  it('moves processed mail to move_to, creating the folder, and leaves the rest', async () => {
    dovecot.seed([eml('qmail.eml'), eml('exim.eml'), eml('human-reply.eml')]);
    const report = await scan(boxOn({ after_processing: 'move', move_to: 'Processed' }));
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ fetched: 3, moved: 2, deleted: 0, left: 1 });
    expect(dovecot.files('Processed')).toHaveLength(2);
    expect(dovecot.files()).toHaveLength(1);
  });

  it('a message that keeps failing is retried, then skipped as stuck after 3 attempts, never moved', async () => {
    dovecot.seed([eml('qmail.eml'), eml('exim.eml')]);
    const parse = deps.parse;
    deps.parse = async (raw) => {
      if (Buffer.from(raw).toString('latin1').includes('qmail')) throw new Error('parser exploded');
      return parse(raw);
    };
    const mailbox = boxOn({ after_processing: 'move', move_to: 'Processed' });
    expect(await scan(mailbox)).toMatchObject({ failed: 1, moved: 1 });
    expect((await scan(mailbox)).failed).toBe(1);
    expect((await scan(mailbox)).stuck).toBe(1);
    expect(await scan(mailbox)).toMatchObject({ fetched: 0, left: 1 });
    expect(dovecot.files()).toHaveLength(1);
    expect(dovecot.files('Processed')).toHaveLength(1);
  });

  it('scans another folder when told to', async () => {
    const p = await person(dovecot);
    await p.mailboxCreate('Bounces').catch(() => undefined);
    await p.append('Bounces', eml('qmail.eml'));
    await p.logout();
    const report = await scan(boxOn({ folder: 'Bounces' }));
    expect(report).toMatchObject({ on_server: 1, deleted: 1 });
    expect((await all())[0]?.source).toBe(`imap:${TEST_USER}@127.0.0.1/Bounces`);
  });

  it('a changed UIDVALIDITY re-lists the folder and counts nothing twice', async () => {
    const fill = async () => {
      const p = await person(dovecot);
      await p.mailboxCreate('Bounces').catch(() => undefined);
      await p.append('Bounces', eml('human-reply.eml'));
      await p.append('Bounces', eml('qmail.eml'));
      const status = await p.status('Bounces', { uidValidity: true });
      await p.logout();
      return status ? status.uidValidity : undefined;
    };
    const before = await fill();
    const mailbox = boxOn({ folder: 'Bounces', after_processing: 'move', move_to: 'Processed' });
    expect(await scan(mailbox)).toMatchObject({ moved: 1, left: 1, recorded: 1 });
    // The folder is deleted and made again with the same two messages: new UIDVALIDITY, same mail.
    const p = await person(dovecot);
    await p.mailboxDelete('Bounces');
    await p.logout();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // dovecot's UIDVALIDITY is a time in seconds
    const after = await fill();
    expect(after).not.toBe(before);
    const again = await scan(mailbox);
    expect(again.error).toBeUndefined();
    expect(again).toMatchObject({ fetched: 2, moved: 1, left: 1, recorded: 0, duplicates: 1 });
    expect(await all()).toHaveLength(1);
  });

  it('a second session expunging messages during the scan: nothing unrecorded is removed, nothing fails', async () => {
    const messages = Array.from({ length: 12 }, (_, i) =>
      Buffer.from(
        eml('qmail.eml')
          .toString('latin1')
          .replace(/^Message-ID:.*$/im, `Message-ID: <race-${i}@test>`),
        'latin1',
      ),
    );
    dovecot.seed(messages);
    const p = await person(dovecot);
    await p.mailboxOpen('INBOX');
    const mailbox = boxOn({ after_processing: 'move', move_to: 'Processed' });
    const parse = deps.parse;
    let expunged = false;
    deps.parse = async (raw) => {
      // While the scan is under way, the person deletes the last four messages.
      if (!expunged) {
        expunged = true;
        await p.messageDelete('9:12');
      }
      return parse(raw);
    };
    const report = await scan(mailbox);
    await p.logout();
    expect(report.error).toBeUndefined();
    expect(report.failed + report.stuck).toBe(0);
    // The four taken away were never fetched, so never recorded; the eight others were recorded and moved.
    expect(report).toMatchObject({ on_server: 12, fetched: 8, moved: 8, recorded: 8 });
    expect(await all()).toHaveLength(8);
    expect(dovecot.files('Processed')).toHaveLength(8);
    expect(dovecot.files()).toHaveLength(0);
  });
});
