import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { Pop3MailboxClient } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { Dovecot } from '../support/dovecot.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { TEST_CERT } from '../support/fake-pop3-server.js';
import { FakeClock } from '../support/fakes.js';
import { popMailbox } from '../support/pop-mailbox.js';

const MAIL = join(import.meta.dirname, '../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));

/** A whole scan against a real dovecot over implicit TLS, into dynalite. */
describe('mailbox scan against dovecot', () => {
  let dovecot: Dovecot;
  let table: TestTable;

  beforeAll(async () => {
    dovecot = await Dovecot.start();
    dovecot.seed([
      eml('dsn-two-recipients.eml'),
      eml('qmail.eml'),
      eml('autoreply-rfc3834.eml'),
      eml('human-reply.eml'),
    ]);
    table = await testTable();
  });
  afterAll(() => dovecot?.stop());

  it('records and deletes the bounces, deletes the auto-reply, leaves the human reply; a re-scan finds only it', async () => {
    const clock = new FakeClock();
    const deps = {
      record: recordDepsOver(table, clock),
      connector: new Pop3MailboxClient({ timeoutMs: 10_000, ca: TEST_CERT, servername: 'localhost' }),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
    const mailbox = popMailbox({
      uuid: '5e1f0000-0000-4000-8000-0000000000d0',
      host: dovecot.host,
      port: dovecot.pop3sPort,
      tls: 'implicit',
      max_per_scan: 100,
    });
    const settings = effectiveSettings({ enabled: true }, undefined);
    const options = { owner: 'it', deadline: new Date(clock.now().getTime() + 60_000), leaseMs: 60_000 };
    const first = await scanMailbox(deps, settings, mailbox, options);
    expect(first).toMatchObject({ on_server: 4, fetched: 4, deleted: 3, left: 1, failed: 0, stuck: 0 });
    expect(first.error).toBeUndefined();
    expect(first.recorded).toBe(2);
    expect(first.deferred).toBe(1);
    const second = await scanMailbox(deps, settings, mailbox, options);
    expect(second).toMatchObject({ on_server: 1, fetched: 0, left: 1, deleted: 0 });
  });
});
