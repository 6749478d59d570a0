import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import {
  type FakePop3Options,
  FakePop3Server,
  TEST_PASSWORD,
  TEST_USER,
} from '../support/fake-pop3-server.js';

const MAIL = join(import.meta.dirname, '../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));
/** The uuid the service assigned to the mailbox withMailbox saved last. */
let MAILBOX = '66666666-6666-4666-8666-666666666666';
const OTHER = '77777777-7777-4777-8777-777777777777';

describe('mailbox routes of the API', () => {
  let api: ApiHarness;
  let server: FakePop3Server | undefined;

  beforeEach(async () => {
    api = await apiHarness();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Saves the settings change and a mailbox at a fresh fake POP3 server holding `messages`. */
  async function withMailbox(options: FakePop3Options, change: Record<string, unknown> = {}, enabled = true) {
    server = await FakePop3Server.start({ users: { [TEST_USER]: TEST_PASSWORD }, ...options });
    const { version } = await api.settings.current();
    const mailbox = {
      enabled,
      host: server.host,
      port: server.port,
      tls: 'none',
      username: TEST_USER,
      password: TEST_PASSWORD,
    };
    const saved = await api.settings.save({ ...change, mailboxes: [mailbox] }, version);
    MAILBOX = saved.settings.mailboxes[0]?.uuid as string;
  }

  const at = (uuid: string, tail: string) => `/api/mailboxes/${uuid}${tail}`;
  const scan = (uuid = MAILBOX, context?: { getRemainingTimeInMillis(): number }) =>
    api.call(
      {
        method: 'POST',
        resource: '/api/mailboxes/{uuid}/scan',
        path: at(uuid, '/scan'),
        pathParameters: { uuid },
      },
      context,
    );
  const listStuck = (uuid = MAILBOX, query: Record<string, string> = {}) =>
    api.call({
      resource: '/api/mailboxes/{uuid}/stuck',
      path: at(uuid, '/stuck'),
      pathParameters: { uuid },
      query,
    });
  const release = (uuid = MAILBOX, query: Record<string, string | string[]> = {}) =>
    api.call({
      method: 'POST',
      resource: '/api/mailboxes/{uuid}/stuck/release',
      path: at(uuid, '/stuck/release'),
      pathParameters: { uuid },
      query,
    });

  describe('POST /api/mailboxes/{uuid}/scan honours the switch `enabled`', () => {
    it('is a 503 naming `enabled` while bounce processing is off, and touches no mail', async () => {
      await withMailbox({ messages: [eml('qmail.eml')] }, { enabled: false });
      const res = await scan();
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/\benabled\b/);
      expect(server?.sessions).toHaveLength(0);
    });

    it("is a 503 also when the mailbox's own `enabled` is true or false: that one governs the schedule only", async () => {
      await withMailbox({ messages: [] }, { enabled: false }, false);
      expect((await scan()).status).toBe(503);
    });

    it('scans a mailbox whose own `enabled` is false while processing is on', async () => {
      await withMailbox({ messages: [eml('qmail.eml')] }, {}, false);
      const res = await scan();
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ fetched: 1, deleted: 1 });
    });
  });

  describe("POST /api/mailboxes/{uuid}/scan keeps inside its function's time", () => {
    it('ends a scan of a stalled server before the time the Lambda context says is left', async () => {
      await withMailbox({ messages: [eml('qmail.eml')], stallOn: 'RETR' });
      // 5.5 s left: mail I/O must end 2 s before, so after 3.5 s, inside the harness's 5 s read timeout.
      const res = await scan(MAILBOX, { getRemainingTimeInMillis: () => 5_500 });
      expect(res.status).toBe(200);
      expect(res.body.data.error).toMatch(/time ran out|timed out after/);
      expect(res.body.data).toMatchObject({ failure: 'connection', deleted: 0 });
    });

    it('fetches nothing when less time is left than its margins, and says it stopped early', async () => {
      await withMailbox({ messages: [eml('qmail.eml')] });
      const res = await scan(MAILBOX, { getRemainingTimeInMillis: () => 4_000 });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ on_server: 1, fetched: 0, stopped_early: true });
    });
  });

  describe('stuck messages', () => {
    /** Three scans whose parser fails on the qmail bounce: it ends up stuck beside a kept human reply. */
    async function makeStuck() {
      await withMailbox({ messages: [eml('qmail.eml'), eml('human-reply.eml')] });
      for (let i = 0; i < 3; i++) {
        await failingParse(async () => {
          const res = await scan();
          expect(res.status).toBe(200);
        });
      }
    }

    let failingParse: (run: () => Promise<void>) => Promise<void>;
    beforeEach(async () => {
      let failing = false;
      api = await apiHarness({
        mailboxParts: {
          parse: async (raw) => {
            if (failing && Buffer.from(raw).toString().includes('qmail')) throw new Error('parser exploded');
            return parseBounce(raw);
          },
        },
      });
      failingParse = async (run) => {
        failing = true;
        try {
          await run();
        } finally {
          failing = false;
        }
      };
    });

    it('GET lists them with their attempts and the reason of the last failure', async () => {
      await makeStuck();
      const res = await listStuck();
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ results: [{ uid: 'uid-1', attempts: 3, note: 'parser exploded' }] });
    });

    it('POST release without uid releases every stuck message, and the next scan fetches it again', async () => {
      await makeStuck();
      expect((await scan()).body.data).toMatchObject({ fetched: 0 });
      const res = await release();
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ released: ['uid-1'] });
      expect((await listStuck()).body.data.results).toEqual([]);
      const again = (await scan()).body.data;
      expect(again).toMatchObject({ fetched: 1, deleted: 1, stuck: 0 });
      expect(again.recorded).toBeGreaterThan(0);
    });

    it('POST release with ?uid= releases that message only', async () => {
      await makeStuck();
      const res = await release(MAILBOX, { uid: 'uid-1' });
      expect(res.body.data).toEqual({ released: ['uid-1'] });
    });

    it('POST release with a uid that is not stuck is a 404 naming it, and keeps the human reply settled', async () => {
      await makeStuck();
      const res = await release(MAILBOX, { uid: 'uid-2' });
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/uid-2/);
      expect((await scan()).body.data).toMatchObject({ fetched: 0, left: 2 });
    });

    it('POST release with nothing stuck releases nothing', async () => {
      await withMailbox({ messages: [] });
      expect((await release()).body.data).toEqual({ released: [] });
    });

    it('refuses a uid that is neither a POP3 unique-id nor an IMAP key, two uids, and unknown parameters, naming them', async () => {
      await withMailbox({ messages: [] });
      expect((await release(MAILBOX, { uid: 'has space' })).body.message).toMatch(/^uid:/);
      expect((await release(MAILBOX, { uid: ['a', 'b'] })).body.message).toMatch(/^uid:/);
      expect((await release(MAILBOX, { all: 'true' })).body.message).toMatch(/^all:/);
      expect((await listStuck(MAILBOX, { x: '1' })).status).toBe(400);
    });

    it('releases an IMAP message by its folder:UIDVALIDITY:UID key, spaces and colons in the folder too', async () => {
      await withMailbox({ messages: [] });
      const state = new DynamoDbMailboxState(api.table.db, api.table.tableName);
      const key = 'Bounces: 2024 run:1700000000:42';
      await state.putState(MAILBOX, key, { status: 'stuck', attempts: 3, note: 'parser exploded' });
      expect((await listStuck()).body.data.results).toEqual([
        { uid: key, attempts: 3, note: 'parser exploded' },
      ]);
      expect((await release(MAILBOX, { uid: 'INBOX:1700000000:43' })).status).toBe(404);
      const res = await release(MAILBOX, { uid: key });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toEqual({ released: [key] });
      // Not a UIDL (a space), nor an IMAP key (no number for UIDVALIDITY).
      expect((await release(MAILBOX, { uid: 'Sent Items:x:43' })).status).toBe(400);
    });

    it('answers 404 for a mailbox not in the settings', async () => {
      await withMailbox({ messages: [] });
      expect((await release(OTHER)).status).toBe(404);
      expect((await listStuck(OTHER)).status).toBe(404);
    });
  });
});
