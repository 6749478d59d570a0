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
import { recordDepsOver, testTable } from '../support/dynamodb.js';
import { TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';
import { FakeClock } from '../support/fakes.js';
import { imapMailbox } from '../support/pop-mailbox.js';

const MAIL = join(import.meta.dirname, '../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));

/** Dovecot announcing neither MOVE nor UIDPLUS, as older or simpler IMAP servers do. */
describe('IMAP scan on a server without MOVE and UIDPLUS', () => {
  let dovecot: Dovecot;
  let deps: ScanDeps;
  let clock: FakeClock;
  const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });

  const person = async () => {
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
    return p;
  };

  beforeAll(async () => {
    dovecot = await Dovecot.start({
      imapCapability:
        'IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE CHILDREN UNSELECT ESEARCH',
    });
  });
  afterAll(() => dovecot?.stop());
  beforeEach(async () => {
    const table = await testTable();
    clock = new FakeClock();
    deps = {
      record: recordDepsOver(table, clock),
      connector: new ImapMailboxClient({ timeoutMs: 5_000 }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
    const p = await person();
    await p.mailboxOpen('INBOX');
    await p.messageFlagsAdd('1:*', ['\\Deleted']).catch(() => undefined);
    await p.mailboxClose(); // CLOSE expunges
    await p.mailboxDelete('Processed').catch(() => undefined);
    await p.logout();
  });

  const scan = (extra: Partial<MailboxSettings> = {}) =>
    scanMailbox(
      deps,
      settings,
      imapMailbox({ host: dovecot.host, port: dovecot.imapPort, tls: 'none', ...extra }),
      {
        owner: 'it',
        deadline: new Date(clock.now().getTime() + 60_000),
        leaseMs: 60_000,
      },
    );

  it('the server really lacks them (the client would otherwise use UID MOVE and UID EXPUNGE)', async () => {
    const p = await person();
    expect(p.capabilities.has('MOVE')).toBe(false);
    expect(p.capabilities.has('UIDPLUS')).toBe(false);
    await p.logout();
  });

  it('deletes with EXPUNGE when nothing else in the folder is flagged \\Deleted', async () => {
    dovecot.seed([eml('qmail.eml'), eml('exim.eml'), eml('human-reply.eml')]);
    const report = await scan();
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ deleted: 2, left: 1 });
    expect(dovecot.files()).toHaveLength(1);
  });

  it('moves by COPY and EXPUNGE', async () => {
    dovecot.seed([eml('qmail.eml'), eml('exim.eml')]);
    const report = await scan({ after_processing: 'move', move_to: 'Processed' });
    expect(report.error).toBeUndefined();
    expect(dovecot.files('Processed')).toHaveLength(2);
    expect(dovecot.files()).toHaveLength(0);
  });

  it('never expunges a message someone else flagged \\Deleted: nothing is removed and its flag stays', async () => {
    dovecot.seed([eml('human-reply.eml'), eml('qmail.eml')]);
    const p = await person();
    await p.mailboxOpen('INBOX');
    await p.messageFlagsAdd('1', ['\\Deleted']);
    await p.logout();
    const report = await scan();
    expect(report.error).toMatch(/flagged \\Deleted/);
    expect(dovecot.files()).toHaveLength(2);
    const q = await person();
    await q.mailboxOpen('INBOX');
    const flags = (await q.fetchAll('1:*', { flags: true })).map((m) => m.flags?.has('\\Deleted'));
    await q.logout();
    expect(flags).toEqual([true, false]);
  });
});
