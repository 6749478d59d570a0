import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { Pop3MailboxClient } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { bouncesOf, scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { recordBounce } from '../../lambdas/core/record-bounce.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings.js';
import { Dovecot } from '../../test/support/dovecot.js';
import { TEST_CERT, TEST_PASSWORD, TEST_USER } from '../../test/support/fake-pop3-server.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';

const MESSAGES = 1000;
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/mail');
const BOUNCES = ['dsn-two-recipients.eml', 'qmail.eml', 'exim.eml', 'postfix-no-report.eml', 'gmail.eml'];

/** 1,000 bounces: the project's fixtures with a fresh Message-ID and recipient each, so none is a duplicate. */
function corpus(): Buffer[] {
  const sources = BOUNCES.filter((f) => readdirSync(FIXTURES).includes(f)).map((f) =>
    readFileSync(join(FIXTURES, f), 'latin1'),
  );
  return Array.from({ length: MESSAGES }, (_, i) => {
    const text = (sources[i % sources.length] as string)
      .replace(/^Message-ID:.*$/im, `Message-ID: <bench-${i}@bench.test>`)
      .replace(/@example\.(com|org|net)/gi, `+b${i}@example.$1`);
    return Buffer.from(text, 'latin1');
  });
}

async function stores() {
  const ddb = await startDynalite();
  const table = `bench-${Date.now()}`;
  await ensureTable(ddb.endpoint, table);
  const db = createDocumentClient(localClientConfig(ddb.endpoint));
  const record = {
    subscribers: new DynamoDbSubscriberStore(db, table),
    bounces: new DynamoDbBounceStore(db, table),
    events: { publish: async () => undefined },
    clock: systemClock,
    ids: ulidIds(),
  };
  return { ddb, db, record, state: new DynamoDbMailboxState(db, table) };
}

/**
 * A scan of 1,000 bounce messages from a real dovecot into dynalite, timed by stage (fetch, parse,
 * record, delete) run apart, then as one scan; the ratio says what the scan adds of its own.
 * Needs dovecot (Debian dovecot-pop3d) and root, like the integration tests.
 */
export async function benchScan(): Promise<string[]> {
  const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
  const messages = corpus();
  const stage: Record<string, number> = {};
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await work();
    stage[name] = (stage[name] ?? 0) + performance.now() - start;
    return out;
  };

  const apart = await Dovecot.start();
  const one = await stores();
  const mailbox = (d: Dovecot): MailboxSettings => ({
    uuid: '5e1f0000-0000-4000-8000-00000000be0c',
    enabled: true,
    type: 'pop',
    host: d.host,
    port: d.pop3Port,
    auth_protocol: 'userpass',
    username: TEST_USER,
    password: TEST_PASSWORD,
    tls: 'none',
    tls_skip_verify: false,
    scan_interval: '1m',
    max_per_scan: MESSAGES,
  });
  const client = new Pop3MailboxClient({ timeoutMs: 30_000, ca: TEST_CERT });
  let recorded = 0;
  try {
    apart.seed(messages);
    const box = mailbox(apart);
    const session = await client.open(box);
    const listing = await session.list();
    const raws = await time('fetch', async () => {
      const out: Uint8Array[] = [];
      for (const { uid } of listing) out.push(await session.fetch(uid));
      return out;
    });
    const parsed = await time('parse', () => Promise.all(raws.map((raw) => parseBounce(raw))));
    await time('record', async () => {
      for (const [i, p] of parsed.entries()) {
        for (const bounce of bouncesOf(p, listing[i]?.uid as string, box)) {
          await recordBounce(one.record, settings, bounce);
          recorded++;
        }
      }
    });
    await time('delete', async () => {
      for (const { uid } of listing) await session.delete(uid);
      await session.commit();
    });
  } finally {
    await apart.stop();
    one.db.destroy();
    await one.ddb.close();
  }

  const whole = await Dovecot.start();
  const two = await stores();
  let report: Awaited<ReturnType<typeof scanMailbox>>;
  let wall: number;
  try {
    whole.seed(messages);
    const start = performance.now();
    report = await scanMailbox(
      { record: two.record, connector: client, parse: parseBounce, state: two.state },
      settings,
      mailbox(whole),
      { owner: 'bench', deadline: new Date(Date.now() + 600_000), leaseMs: 600_000 },
    );
    wall = performance.now() - start;
  } finally {
    await whole.stop();
    two.db.destroy();
    await two.ddb.close();
  }
  const sum = Object.values(stage).reduce((a, b) => a + b, 0);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `${MESSAGES} bounce messages from dovecot (plain POP3, loopback) into dynalite; ${recorded} bounces recorded apart`,
    `stages apart: fetch ${fmt(stage.fetch ?? 0)}, parse ${fmt(stage.parse ?? 0)}, record ${fmt(stage.record ?? 0)}, delete ${fmt(stage.delete ?? 0)}; sum ${fmt(sum)}`,
    `whole scan: ${fmt(wall)} (fetched ${report.fetched}, recorded ${report.recorded}, deleted ${report.deleted}, failed ${report.failed}); ratio ${(wall / sum).toFixed(2)}x (target <= 1.1x)`,
  ];
}
