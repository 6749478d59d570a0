/**
 * `npm run export -- --url URL …`: every bounce matching the filters, as CSV or JSON lines, to a file
 * or stdout, by following the list API's cursor. `--help` lists the options.
 */
import { main } from './export/cli.js';

process.once('SIGINT', () => {
  // Leave any progress line behind cleanly; a --out file stays FILE.partial, so it cannot pass for complete.
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.exit(130);
});

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
