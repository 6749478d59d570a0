import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { Pop3MailboxClient } from '../../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { bouncesOf, mailboxSource, scanMailbox } from '../../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { recordDepsOver, testTable } from '../../support/dynamodb.js';
import { fakePop3Servers } from '../../support/fake-pop3-servers.js';
import { FakeClock } from '../../support/fakes.js';
import { imapMailbox, popMailbox } from '../../support/pop-mailbox.js';

const QMAIL = readFileSync(join(import.meta.dirname, '../../fixtures/mail/qmail.eml'), 'latin1');
const withoutMessageId = Buffer.from(QMAIL.replace(/^Message-ID:.*\r?\n/im, ''), 'latin1');

describe('event keys and sources of mailbox bounces', () => {
  it('keys a message by its Message-ID, else by the SHA-256 of its bytes, with the pop3: prefix for both types', async () => {
    const withId = Buffer.from(QMAIL, 'latin1');
    const pop = popMailbox({ host: 'mail.example.com', port: 995 });
    const imap = imapMailbox({ host: 'mail.example.com', port: 993 });
    const parsedWithId = await parseBounce(withId);
    const parsedWithout = await parseBounce(withoutMessageId);
    expect(parsedWithout.message_id).toBeUndefined();
    const [a] = bouncesOf(parsedWithId, 'uid-1', pop, withId);
    const [b] = bouncesOf(parsedWithId, 'INBOX:7:1', imap, withId);
    expect(a?.event_key).toBe(b?.event_key);
    expect(a?.event_key).toMatch(/^pop3:/);
    const [c] = bouncesOf(parsedWithout, 'uid-1', pop, withoutMessageId);
    const [d] = bouncesOf(parsedWithout, 'INBOX:8:9', imap, withoutMessageId);
    expect(c?.event_key).toMatch(/^pop3:sha256:[0-9a-f]{64}:/);
    expect(c?.event_key).toBe(d?.event_key);
  });

  it('names the source pop3:<user>@<host> or imap:<user>@<host>/<folder>', () => {
    expect(mailboxSource(popMailbox({ host: 'pop.example.com', port: 995, username: 'b@x.test' }))).toBe(
      'pop3:b@x.test@pop.example.com',
    );
    expect(
      mailboxSource(
        imapMailbox({ host: 'imap.example.com', port: 993, username: 'b@x.test', folder: 'Bounces' }),
      ),
    ).toBe('imap:b@x.test@imap.example.com/Bounces');
  });

  describe('over POP3', () => {
    const fakes = fakePop3Servers();

    it('a message without Message-ID seen again under another UID counts once', async () => {
      const table = await testTable();
      const clock = new FakeClock();
      const deps = {
        record: recordDepsOver(table, clock),
        connector: new Pop3MailboxClient({ timeoutMs: 2_000 }),
        parse: parseBounce,
        state: new DynamoDbMailboxState(table.db, table.tableName),
      };
      const server = await fakes.serve({
        messages: [
          { uid: 'first', body: withoutMessageId },
          { uid: 'again', body: withoutMessageId },
        ],
      });
      const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
      const report = await scanMailbox(deps, settings, popMailbox({ host: '127.0.0.1', port: server.port }), {
        owner: 't',
        deadline: new Date(clock.now().getTime() + 60_000),
        leaseMs: 60_000,
      });
      expect(report).toMatchObject({ fetched: 2, recorded: 1, duplicates: 1, deleted: 2 });
    });
  });
});
