#!/usr/bin/env node
// Scores the mailbox parser on one labelled part of the bounce corpus and fails below its floors.
//
//   node .ci/corpus-gate.mjs LABELS_FILE FLOORS_FILE
//
// FLOORS_FILE holds options on one line: the scorer's own floors (--min-recall, --min-hard,
// --min-balanced) are passed to it; --min-precision (recipient precision) and --min-status (status
// exact on matched recipients), which it has no option for, are checked here from its JSON summary.
// Floors are the project's last measured figures rounded down, raised as the parser improves.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [labels, floorsFile] = process.argv.slice(2);
if (!labels || !floorsFile) {
  console.error('usage: node .ci/corpus-gate.mjs LABELS_FILE FLOORS_FILE');
  process.exit(2);
}
const OWN = { '--min-precision': 'recipient_precision', '--min-status': 'status_exact_on_matched' };
const words = readFileSync(floorsFile, 'utf8').trim().split(/\s+/).filter(Boolean);
const passed = [];
const own = [];
for (let i = 0; i < words.length; i += 2) {
  const [flag, value] = [words[i], words[i + 1]];
  if (value === undefined || Number.isNaN(Number(value))) {
    console.error(`${floorsFile}: ${flag} needs a number`);
    process.exit(2);
  }
  if (flag in OWN) own.push([OWN[flag], Number(value)]);
  else passed.push(flag, value);
}

const json = join(mkdtempSync(join(tmpdir(), 'corpus-gate-')), 'score.json');
const scorer = join(dirname(labels), 'score.mjs');
const run = spawnSync(
  process.execPath,
  [
    scorer,
    '--labels',
    labels,
    '--batch',
    '--json',
    json,
    '--cmd',
    'npm run --silent parse -- --batch',
    ...passed,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
if (run.status === null || run.status > 1 || !existsSync(json)) {
  console.error(`corpus-gate: the scorer did not finish (exit ${run.status ?? run.signal})`);
  process.exit(run.status || 1);
}
const summary = JSON.parse(readFileSync(json, 'utf8')).summary;
let failed = run.status === 1;
for (const [key, floor] of own) {
  const value = 100 * (summary[key] ?? 0);
  if (!(value >= floor)) {
    console.log(`BELOW FLOOR: ${key} ${value.toFixed(1)}% < ${floor}%`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
