import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FUNCTIONS } from '../../lambdas/handlers/routes.js';
import { AUTHORIZER_ENTRY } from '../auth-construct.js';
import { esbuildOptions, REPO_ROOT } from '../bundling.js';

const RUNS = 5;
const MAX_KB = 600;
const MAX_TIME_RATIO = 1.5;
const BASELINE_ENTRY = 'lib/bench/baseline-entry.ts';

interface Bundle {
  name: string;
  file: string;
  kb: number;
  /** Cold import times, plain and with NODE_OPTIONS=--enable-source-maps (as the functions run). */
  ms: number[];
  msWithMaps: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * One cold import in a fresh process. The environment is built from scratch, so a loader the
 * benchmark itself runs under (tsx sets NODE_OPTIONS) does not slow the child down.
 */
function coldImportMs(file: string, sourceMaps: boolean): number {
  const script =
    'const t = process.hrtime.bigint(); await import(process.argv[1]); ' +
    'console.log(Number(process.hrtime.bigint() - t) / 1e6);';
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, pathToFileURL(file).href],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        TABLE_NAME: 'x',
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
    },
  );
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

async function bundle(name: string, entry: string, dir: string): Promise<Bundle> {
  const file = join(dir, name, 'index.mjs');
  await build(esbuildOptions(join(REPO_ROOT, entry), file));
  return { name, file, kb: statSync(file).size / 1024, ms: [], msWithMaps: [] };
}

/**
 * Bundles every function as the stack does (lib/bundling.ts) plus a baseline that only creates a
 * DynamoDB DocumentClient, and reports minified size and cold import time (median of 5 fresh
 * processes) against the targets: at most 600 KB and 1.5x the baseline's import time.
 */
export async function benchBundles(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stmails-bundles-'));
  try {
    const entries: [string, string][] = [
      ['baseline', BASELINE_ENTRY],
      ...Object.entries(FUNCTIONS).map(([name, spec]): [string, string] => [name, spec.entry]),
      ['authorizer', AUTHORIZER_ENTRY],
    ];
    const bundles: Bundle[] = [];
    for (const [name, entry] of entries) bundles.push(await bundle(name, entry, dir));
    // Round-robin, so a busy moment of the machine slows every bundle alike, not one of them.
    for (let run = 0; run < RUNS; run++) {
      for (const b of bundles) {
        b.ms.push(coldImportMs(b.file, false));
        b.msWithMaps.push(coldImportMs(b.file, true));
      }
    }

    const [baseline] = bundles as [Bundle];
    const baseMs = median(baseline.ms);
    const width = Math.max(...bundles.map((b) => b.name.length)) + 2;
    const row = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(width) : c.padStart(9))).join(' ');
    const lines = [
      `Lambda bundles: esbuild as deployed; cold import = median of ${RUNS} fresh node processes`,
      row(['bundle', 'size KB', 'import ms', '+maps ms', 'size x', 'time x', 'target']),
    ];
    for (const b of bundles) {
      const timeRatio = median(b.ms) / baseMs;
      const verdict = b === baseline ? '' : b.kb <= MAX_KB && timeRatio <= MAX_TIME_RATIO ? 'ok' : 'MISSED';
      lines.push(
        row([
          b.name,
          b.kb.toFixed(1),
          median(b.ms).toFixed(1),
          median(b.msWithMaps).toFixed(1),
          (b.kb / baseline.kb).toFixed(2),
          timeRatio.toFixed(2),
          verdict,
        ]),
      );
    }
    lines.push(`targets: <= ${MAX_KB} KB and <= ${MAX_TIME_RATIO}x the baseline's import time`);
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
