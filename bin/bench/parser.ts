import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { formatCount, formatMs, summarise, table } from './stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
// STMAILS_CORPUS points at the labelled corpus from a checkout where it is not at ../shared/corpus.
const CORPUS = resolve(ROOT, process.env.STMAILS_CORPUS ?? '../shared/corpus');
const FIXTURES = join(ROOT, 'test/fixtures/mail');
const WARMUP_ROUNDS = 3;
const MIN_MESSAGES = 5_000;
const CUT_POINTS = 20;
const TARGET_PER_SECOND = 1_800;
const COLD_RUNS = 10;
// Targets for the command line from a cold start: node to its first answer, and through npm.
const TARGET_COLD_NODE_MS = 150;
const TARGET_COLD_NPM_MS = 400;

/** Every `.eml` below `dir`, read into memory so the timing holds the parser only. */
function messages(dir: string): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...messages(path));
    else if (entry.name.endsWith('.eml')) out.push({ name: path, bytes: readFileSync(path) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Failures are counted, not thrown: a benchmark prints figures and never asserts. */
async function timed(bytes: Uint8Array): Promise<{ ms: number; failed: boolean }> {
  const t0 = performance.now();
  try {
    await parseBounce(bytes);
    return { ms: performance.now() - t0, failed: false };
  } catch {
    return { ms: performance.now() - t0, failed: true };
  }
}

/**
 * Warm, in-process throughput of the mailbox parser (DESIGN §9) over the labelled corpus when
 * `../shared/corpus` exists, else over the project's own fixtures; then every message cut at
 * `CUT_POINTS` places, the shape a connection dropped mid-RETR leaves behind.
 */
export async function benchParser(): Promise<string[]> {
  const source = existsSync(join(CORPUS, 'eml')) ? join(CORPUS, 'eml') : FIXTURES;
  const mail = messages(source);
  if (mail.length === 0) return [`no messages under ${source}`];
  const bytes = mail.reduce((sum, m) => sum + m.bytes.length, 0);
  const rounds = Math.max(1, Math.ceil(MIN_MESSAGES / mail.length));
  console.log(
    `  ${formatCount(mail.length)} messages (${(bytes / 1024).toFixed(0)} KiB) from ${source},` +
      ` ${WARMUP_ROUNDS} warm-up rounds, then ${rounds} timed rounds, one message at a time`,
  );

  for (let r = 0; r < WARMUP_ROUNDS; r++) for (const m of mail) await timed(m.bytes);
  const samples: number[] = [];
  let failures = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    for (const m of mail) {
      const t = await timed(m.bytes);
      samples.push(t.ms);
      if (t.failed) failures++;
    }
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const perSecond = (samples.length / wallMs) * 1000;
  // Per second of this process's own CPU time: what a machine shared with other work does not stretch.
  const perCpuSecond = (samples.length / (cpu.user + cpu.system)) * 1e6;
  const s = summarise(samples);

  const cutSamples: number[] = [];
  let cutFailures = 0;
  const cutStart = performance.now();
  for (const m of mail) {
    for (let i = 1; i <= CUT_POINTS; i++) {
      const t = await timed(m.bytes.subarray(0, Math.floor((m.bytes.length * i) / (CUT_POINTS + 1))));
      cutSamples.push(t.ms);
      if (t.failed) cutFailures++;
    }
  }
  const cutWallMs = performance.now() - cutStart;
  const c = summarise(cutSamples);

  const rows = [
    ['', 'parses', 'p50', 'p99', 'max', 'messages/s', 'per CPU-s', 'errors'],
    [
      'whole messages',
      formatCount(s.count),
      formatMs(s.p50),
      formatMs(s.p99),
      formatMs(s.max),
      formatCount(perSecond),
      formatCount(perCpuSecond),
      String(failures),
    ],
    [
      `truncated (${CUT_POINTS} cuts each)`,
      formatCount(c.count),
      formatMs(c.p50),
      formatMs(c.p99),
      formatMs(c.max),
      formatCount((cutSamples.length / cutWallMs) * 1000),
      '',
      String(cutFailures),
    ],
  ];
  for (const line of table(rows)) console.log(`  ${line}`);

  const cold = coldStart(mail);
  const verdict = perSecond >= TARGET_PER_SECOND ? 'within' : 'BELOW';
  return [
    ...cold,
    `${formatCount(perSecond)} messages/s warm over ${formatCount(mail.length)} messages` +
      ` (${formatCount(perCpuSecond)} per CPU-second), p99 ${formatMs(s.p99)}` +
      ` (${verdict} target ${formatCount(TARGET_PER_SECOND)}/s)` +
      (failures ? `; ${failures} parse errors` : ''),
    `truncation: ${formatCount(c.count)} cut messages, max ${formatMs(c.max)} per parse` +
      (cutFailures ? `; ${cutFailures} parse errors` : '; every cut answered'),
  ];
}

/** Wall time of one whole process, in milliseconds; its output is read and dropped. */
function wallMs(command: string, args: readonly string[]): number {
  const t0 = performance.now();
  const run = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

function medianOf(runs: number, once: () => number): number {
  once();
  return summarise(Array.from({ length: runs }, once)).p50;
}

/**
 * The command line from a cold start (DESIGN §9: the batch scorer measures Node's start-up too):
 * `node bin/parse.mjs FILE` to its answer, the same through `npm run parse`, a batch over every
 * message in one process, each against a bare `node -e 0` started in the same run, so the ratio
 * holds when the machine is busy. The bundle is built first (as `npm ci` does).
 */
function coldStart(mail: { name: string }[]): string[] {
  wallMs(process.execPath, ['bin/parse.mjs', '--build']);
  const file = mail[0]?.name as string;
  const bare = medianOf(COLD_RUNS, () => wallMs(process.execPath, ['-e', '0']));
  const node = medianOf(COLD_RUNS, () => wallMs(process.execPath, ['bin/parse.mjs', file]));
  const npm = medianOf(COLD_RUNS, () => wallMs('npm', ['run', '--silent', 'parse', '--', file]));
  const list = join(mkdtempSync(join(tmpdir(), 'bench-parse-')), 'files.txt');
  writeFileSync(list, `${mail.map((m) => m.name).join('\n')}\n`);
  const batchMs = medianOf(3, () => wallMs(process.execPath, ['bin/parse.mjs', '--batch', list]));
  const perSecond = (mail.length / batchMs) * 1000;
  const rows = [
    [`cold start, median of ${COLD_RUNS}`, 'wall', 'vs node -e 0', 'target'],
    ['node -e 0 (baseline)', formatMs(bare), '1.00x', ''],
    [
      'node bin/parse.mjs FILE',
      formatMs(node),
      `${(node / bare).toFixed(2)}x`,
      `< ${TARGET_COLD_NODE_MS} ms`,
    ],
    ['npm run parse -- FILE', formatMs(npm), `${(npm / bare).toFixed(2)}x`, `< ${TARGET_COLD_NPM_MS} ms`],
    [
      `batch of ${formatCount(mail.length)}, start-up included`,
      formatMs(batchMs),
      `${(batchMs / bare).toFixed(2)}x`,
      `${formatCount(perSecond)} messages/s`,
    ],
  ];
  for (const line of table(rows)) console.log(`  ${line}`);
  return [
    `cold start: node bin/parse.mjs ${formatMs(node)} (${formatMs(node - bare)} over a bare node's ${formatMs(bare)}), ` +
      `npm run parse ${formatMs(npm)}; one batch process ${formatCount(perSecond)} messages/s start-up included`,
  ];
}
