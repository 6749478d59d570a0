import { performance } from 'node:perf_hooks';
import { ImapMailboxClient } from '../../lambdas/adapters/imap/imap-mailbox-client.js';
import { Pop3MailboxClient } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import type { MailboxConnector } from '../../lambdas/core/mailbox/ports.js';
import { bouncesOf, scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { Dovecot } from '../../test/support/dovecot.js';
import { imapMailbox, popMailbox } from '../../test/support/pop-mailbox.js';
import { corpus, MESSAGES, stores } from './scan-corpus.js';

const ROUNDS = 3;

type Protocol = 'imap' | 'pop';
const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
const clients: Record<Protocol, MailboxConnector> = {
  // Long enough for the stages apart, where the connection waits idle while 1,000 bounces are recorded.
  imap: new ImapMailboxClient({ timeoutMs: 600_000 }),
  pop: new Pop3MailboxClient({ timeoutMs: 30_000 }),
};

function mailboxOn(d: Dovecot, protocol: Protocol): MailboxSettings {
  const uuid = '5e1f0000-0000-4000-8000-00000000be0d';
  return protocol === 'imap'
    ? imapMailbox({ uuid, host: d.host, port: d.imapPort, max_per_scan: MESSAGES })
    : popMailbox({ uuid, host: d.host, port: d.pop3Port, max_per_scan: MESSAGES });
}

/** IMAP stages one after another over all messages: fetch, parse, record, then one commit of the deletions. */
async function stagesApart(
  messages: Buffer[],
): Promise<Record<'fetch' | 'parse' | 'record' | 'delete', number>> {
  const stage = { fetch: 0, parse: 0, record: 0, delete: 0 };
  const time = async <T>(name: keyof typeof stage, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await work();
    stage[name] += performance.now() - start;
    return out;
  };
  const dovecot = await Dovecot.start();
  const db = await stores();
  try {
    dovecot.seed(messages);
    const box = mailboxOn(dovecot, 'imap');
    const session = await clients.imap.open(box);
    const listing = await session.list();
    const raws = await time('fetch', async () => {
      const out: Uint8Array[] = [];
      for (const { uid } of listing) out.push((await session.fetch(uid)) as Uint8Array);
      return out;
    });
    const parsed = await time('parse', () => Promise.all(raws.map((raw) => parseBounce(raw))));
    await time('record', async () => {
      for (const [i, p] of parsed.entries())
        for (const bounce of bouncesOf(p, listing[i]?.uid as string, box, raws[i] as Uint8Array))
          await recordBounce(db.record, settings, bounce);
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
  return stage;
}

async function wholeScan(messages: Buffer[], protocol: Protocol) {
  const dovecot = await Dovecot.start();
  const db = await stores();
  try {
    dovecot.seed(messages);
    const start = performance.now();
    const report = await scanMailbox(
      { record: db.record, connector: clients[protocol], parse: parseBounce, state: db.state },
      settings,
      mailboxOn(dovecot, protocol),
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
 * 1,000 bounces over IMAP (plain, loopback) from dovecot into dynalite: the stages apart against one
 * scan, and the same scan over POP3 from the same mailbox for comparison. Rounds interleave the three
 * so a machine that slows down weighs on all alike; medians are compared. Needs dovecot and root.
 */
export async function benchScanImap(): Promise<string[]> {
  const messages = corpus();
  const apart: number[] = [];
  const stages: Record<string, number[]> = { fetch: [], parse: [], record: [], delete: [] };
  const imap: number[] = [];
  const pop: number[] = [];
  let report: Awaited<ReturnType<typeof wholeScan>>['report'] | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const s = await stagesApart(messages);
    for (const [k, v] of Object.entries(s)) stages[k]?.push(v);
    apart.push(Object.values(s).reduce((x, y) => x + y, 0));
    const i = await wholeScan(messages, 'imap');
    imap.push(i.wall);
    report = i.report;
    pop.push((await wholeScan(messages, 'pop')).wall);
  }
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const stage = (k: string) => fmt(median(stages[k] as number[]));
  return [
    `${MESSAGES} bounce messages from dovecot (plain, loopback) into dynalite; ${ROUNDS} rounds, medians`,
    `IMAP stages apart: fetch ${stage('fetch')}, parse ${stage('parse')}, record ${stage('record')}, delete ${stage('delete')}; sum ${fmt(median(apart))}`,
    `IMAP whole scan: ${fmt(median(imap))} (fetched ${report?.fetched}, recorded ${report?.recorded}, deleted ${report?.deleted}, failed ${report?.failed}); ratio ${(median(imap) / median(apart)).toFixed(2)}x (target <= 1.1x); per round ${imap.map((w, n) => (w / (apart[n] as number)).toFixed(2)).join(', ')}`,
    `POP3 whole scan of the same mailbox: ${fmt(median(pop))}; IMAP/POP3 ${(median(imap) / median(pop)).toFixed(2)}x; per round ${imap.map((w, n) => (w / (pop[n] as number)).toFixed(2)).join(', ')}`,
  ];
}
