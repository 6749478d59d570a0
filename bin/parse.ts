/**
 * `npm run --silent parse -- FILE.eml` prints the parser's answer for one message as one JSON line;
 * `npm run --silent parse -- --batch LIST_FILE` reads one path a line and prints one JSON line per
 * listed file (`file` as listed), in order, in one warm process. A file that cannot be read or parsed
 * prints an `error` line with `is_bounce: false` and no recipients, and the batch goes on.
 */
import { readFileSync } from 'node:fs';
import { parseBounce } from '../lambdas/core/mail/parse-bounce.js';

function usage(): never {
  console.error('usage: npm run --silent parse -- FILE.eml | --batch LIST_FILE');
  process.exit(2);
}

async function answer(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed = await parseBounce(readFileSync(file));
    return { file, ...parsed };
  } catch (error) {
    return {
      file,
      error: error instanceof Error ? error.message : String(error),
      is_bounce: false,
      recipients: [],
    };
  }
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '--batch') {
    if (!args[1]) usage();
    const files = readFileSync(args[1], 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    const out: string[] = [];
    for (const file of files) {
      out.push(JSON.stringify(await answer(file)));
      // Written in chunks: one write per message costs more than the parse on a fast disk.
      if (out.length >= 64) process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
    if (out.length) process.stdout.write(`${out.join('\n')}\n`);
    return;
  }
  if (args.length !== 1 || !args[0] || args[0].startsWith('--')) usage();
  const result = await answer(args[0]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if ('error' in result) process.exitCode = 1;
}

await main(process.argv.slice(2));
