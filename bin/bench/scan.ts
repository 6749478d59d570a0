import { performance } from 'node:perf_hooks';
import { Pop3MailboxClient } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { bouncesOf, scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { Dovecot } from '../../test/support/dovecot.js';
import { TEST_CERT } from '../../test/support/fake-pop3-server.js';
import { popMailbox } from '../../test/support/pop-mailbox.js';
import { corpus, MESSAGES, stores } from './scan-corpus.js';

const ROUNDS = 5;

function mailboxOn(d: Dovecot): MailboxSettings {
  return popMailbox({
    uuid: '5e1f0000-0000-4000-8000-00000000be0c',
    host: d.host,
    port: d.pop3Port,
    max_per_scan: MESSAGES,
  });
}

const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
const client = new Pop3MailboxClient({ timeoutMs: 30_000, ca: TEST_CERT });

interface Apart {
  stage: Record<'fetch' | 'parse' | 'record' | 'delete', number>;
  recorded: number;
}

/** The scan's stages one after another, each over all messages, on a fresh dovecot and table. */
async function stagesApart(messages: Buffer[]): Promise<Apart> {
  const stage = { fetch: 0, parse: 0, record: 0, delete: 0 };
  const time = async <T>(name: keyof typeof stage, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await work();
    stage[name] += performance.now() - start;
    return out;
  };
  const dovecot = await Dovecot.start();
  const db = await stores();
  let recorded = 0;
  try {
    dovecot.seed(messages);
    const box = mailboxOn(dovecot);
    const session = await client.open(box);
    const listing = await session.list();
    const raws = await time('fetch', async () => {
      const out: Uint8Array[] = [];
      for (const { uid } of listing) out.push((await session.fetch(uid)) as Uint8Array);
      return out;
    });
    const parsed = await time('parse', () => Promise.all(raws.map((raw) => parseBounce(raw))));
    await time('record', async () => {
      for (const [i, p] of parsed.entries()) {
        for (const bounce of bouncesOf(p, listing[i]?.uid as string, box, raws[i] as Uint8Array)) {
          await recordBounce(db.record, settings, bounce);
          recorded++;
        }
      }
    });
    await time('delete', async () => {
      for (const { uid } of listing) await session.delete(uid);
      await session.commit();
    });
  } finally {
    await dovecot.stop();
    db.db.destroy();
    await db.ddb.close();
  }
  return { stage, recorded };
}

/** One whole scan of the same messages on a fresh dovecot and table. */
async function wholeScan(messages: Buffer[]) {
  const dovecot = await Dovecot.start();
  const db = await stores();
  try {
    dovecot.seed(messages);
    const start = performance.now();
    const report = await scanMailbox(
      { record: db.record, connector: client, parse: parseBounce, state: db.state },
      settings,
      mailboxOn(dovecot),
      { owner: 'bench', deadline: new Date(Date.now() + 600_000), leaseMs: 600_000 },
    );
    return { wall: performance.now() - start, report };
  } finally {
    await dovecot.stop();
    db.db.destroy();
    await db.ddb.close();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * A scan of 1,000 bounce messages from a real dovecot into dynalite, timed by stage (fetch, parse,
 * record, delete) run apart, then as one scan; the ratio says what the scan adds of its own. Both
 * run five times, interleaved in alternating order, and the medians are compared: dynalite's write time alone
 * varies by 10% from run to run on a shared machine. Needs dovecot (Debian dovecot-pop3d) and
 * root, like the integration tests.
 */
export async function benchScan(): Promise<string[]> {
  const messages = corpus();
  const aparts: Apart[] = [];
  const wholes: Awaited<ReturnType<typeof wholeScan>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a process that slows as it ages weighs on both alike.
    if (round % 2 === 0) {
      aparts.push(await stagesApart(messages));
      wholes.push(await wholeScan(messages));
    } else {
      wholes.push(await wholeScan(messages));
      aparts.push(await stagesApart(messages));
    }
  }
  const sums = aparts.map((a) => Object.values(a.stage).reduce((x, y) => x + y, 0));
  const walls = wholes.map((w) => w.wall);
  const stageMedian = (name: keyof Apart['stage']) => median(aparts.map((a) => a.stage[name]));
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const report = wholes[wholes.length - 1]?.report;
  return [
    `${MESSAGES} bounce messages from dovecot (plain POP3, loopback) into dynalite; ${aparts[0]?.recorded} bounces recorded apart; ${ROUNDS} rounds, medians`,
    `stages apart: fetch ${fmt(stageMedian('fetch'))}, parse ${fmt(stageMedian('parse'))}, record ${fmt(stageMedian('record'))}, delete ${fmt(stageMedian('delete'))}; sum ${fmt(median(sums))}`,
    `whole scan: ${fmt(median(walls))} (fetched ${report?.fetched}, recorded ${report?.recorded}, deleted ${report?.deleted}, failed ${report?.failed}); ratio ${(median(walls) / median(sums)).toFixed(2)}x (target <= 1.1x); per round ${walls.map((w, i) => (w / (sums[i] as number)).toFixed(2)).join(', ')}`,
  ];
}
