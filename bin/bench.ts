/**
 * `npm run bench [-- section...]`: prints reproducible figures, never fails on them. Sections load
 * lazily, so one section does not pay for another's dependencies.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Section {
  name: string;
  title: string;
  /** Prints its details as it goes; returns its lines for the closing summary. */
  run: () => Promise<string[]>;
}

const SECTIONS: readonly Section[] = [
  {
    name: 'dynamodb',
    title: 'DynamoDB requests per recorded bounce (dynalite, real SDK)',
    run: () => import('./bench/requests-per-bounce.js').then((m) => m.benchRequestsPerBounce()),
  },
  {
    name: 'throughput',
    title:
      'Recording throughput of npm start against a one-PutItem floor server (DynamoDB requests/s driven)',
    run: () => import('./bench/throughput.js').then((m) => printed(m.benchThroughput())),
  },
  {
    name: 'lists',
    title: 'Listing: a page at 1,000 vs 200,000 stored bounces (generated once into a data dir)',
    run: () => import('./bench/lists.js').then((m) => printed(m.benchLists())),
  },
  {
    name: 'faults',
    title: 'Recording while half of all DynamoDB requests fail (fault proxy, dynalite; takes minutes)',
    run: () => import('./bench/storage-faults.js').then((m) => m.benchStorageFaults()),
  },
  {
    name: 'outbound',
    title: 'Outbound: DynamoDB requests per bounce with sinks, dispatcher deliveries/s, 200-to-sink latency',
    run: () => import('./bench/outbound.js').then((m) => m.benchOutbound()),
  },
  {
    name: 'stats',
    title: 'GET /api/stats over 90 days with 100,000 bounces stored (dynalite, real SDK)',
    run: () => import('./bench/stats-api.js').then((m) => m.benchStatsApi()),
  },
  {
    name: 'console',
    title: 'Console transfer size and time to first render (Debian chromium, local service)',
    run: () => import('./bench/console.js').then((m) => m.benchConsole()),
  },
  {
    name: 'handler',
    title: 'Webhook handler time per event, storage in memory',
    run: () => import('./bench/handler-time.js').then((m) => m.benchHandlerTime()),
  },
  {
    name: 'load',
    title: 'Load on the local service',
    run: () => import('./bench/load.js').then((m) => m.benchLoad()),
  },
  {
    name: 'providers',
    title: 'Provider webhooks in process (cached certificate), and verification cost',
    run: () => import('./bench/providers.js').then((m) => printed(m.benchProviders())),
  },
  {
    name: 'parser',
    title: 'Bounce-mail parser, warm and in one process (corpus when ../shared/corpus exists)',
    run: () => import('./bench/parser.js').then((m) => printed(m.benchParser())),
  },
  {
    name: 'scan',
    title:
      'Mailbox scan: 1,000 messages from dovecot into dynalite, stages apart vs one scan (needs dovecot, root)',
    run: () => import('./bench/scan.js').then((m) => printed(m.benchScan())),
  },
  {
    name: 'scan-imap',
    title:
      'Mailbox scan over IMAP: 1,000 messages, stages apart vs one scan, and IMAP vs POP3 (needs dovecot, root)',
    run: () => import('./bench/scan-imap.js').then((m) => printed(m.benchScanImap())),
  },
  {
    name: 'bundle',
    title: 'Lambda bundle sizes and cold import time, against a DynamoDB-client-only bundle',
    run: () => import('../lib/bench/bundle-size.js').then((m) => printed(m.benchBundles())),
  },
];

/** For sections that return their figures instead of printing them as they go. */
async function printed(lines: Promise<string[]>): Promise<string[]> {
  const out = await lines;
  for (const line of out) console.log(`  ${line}`);
  return out;
}

function machine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const model = cpu[0]?.model.trim() ?? 'unknown cpu';
  // The load average says whether other work shared the machine: the figures are only as quiet as it.
  const load = loadavg()[0]?.toFixed(2);
  return `node ${process.version}, ${platform()} ${release()}, ${model} x ${cpu.length} cores, ${gib} GiB, load ${load}`;
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SECTIONS.some((s) => s.name === name));
if (unknown.length) {
  console.error(
    `unknown section ${unknown.join(', ')}; choose from ${SECTIONS.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;

console.log(`machine: ${machine()}\n`);
const summary: string[] = [];
for (const section of chosen) {
  console.log(`== ${section.name}: ${section.title}`);
  const started = Date.now();
  try {
    summary.push(...(await section.run()).map((line) => `${section.name}: ${line}`));
  } catch (error) {
    // A section that breaks is a finding, not a reason to skip the others.
    console.log(`  !! failed: ${(error as Error).stack ?? error}`);
    summary.push(`${section.name}: FAILED (${(error as Error).message})`);
    process.exitCode = 1;
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
console.log('== summary');
for (const line of summary) console.log(`  ${line}`);
