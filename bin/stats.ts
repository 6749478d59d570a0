/**
 * `npm run stats -- rebuild [--table NAME] [--endpoint URL | --data-dir DIR] [--from YYYY-MM-DD]`
 * Recomputes the per-day statistics counters from the stored bounces.
 * - deployed: `--table` names the stack's table; AWS credentials and region from the environment.
 * - local: `--data-dir` opens the data directory of a stopped `npm start` (STMAILS_DATA_DIR), or
 *   `--endpoint` a DynamoDB-compatible endpoint (STMAILS_DYNAMODB_ENDPOINT).
 */
import { parseArgs } from 'node:util';
import { CursorSigner } from '../lambdas/adapters/cursor-signer.js';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbStatsStore } from '../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import { MemorySecretStore } from '../lambdas/adapters/memory-secret-store.js';
import { systemClock } from '../lambdas/adapters/system-clock.js';
import { BounceError } from '../lambdas/core/errors.js';
import { rebuildStats } from '../lambdas/core/stats/rebuild-stats.js';
import { localClientConfig, startDynalite } from './local/local-dynamodb.js';

const USAGE = `usage:
  npm run stats -- rebuild --table NAME                 (deployed: AWS credentials from the environment)
  npm run stats -- rebuild --data-dir DIR               (a stopped npm start's STMAILS_DATA_DIR)
  npm run stats -- rebuild --endpoint URL [--table NAME]
options: --from YYYY-MM-DD also clears counters of days before the oldest stored bounce`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      endpoint: { type: 'string' },
      'data-dir': { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'rebuild' || positionals.length > 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.from && !/^\d{4}-\d{2}-\d{2}$/.test(values.from)) {
    console.error('--from must be a date such as 2026-01-01');
    return 2;
  }
  const local = values['data-dir'] ? await startDynalite(values['data-dir']) : undefined;
  const endpoint = values.endpoint ?? local?.endpoint;
  if (!endpoint && !values.table) {
    console.error(`name the table (--table) or a local store (--data-dir, --endpoint)\n${USAGE}`);
    return 2;
  }
  const table = values.table ?? 'stmails-bounce';
  const db = createDocumentClient(endpoint ? localClientConfig(endpoint) : {});
  try {
    const report = await rebuildStats(
      {
        bounces: new DynamoDbBounceStore(db, table, new CursorSigner(new MemorySecretStore())),
        stats: new DynamoDbStatsStore(db, table),
        clock: systemClock,
      },
      {
        ...(values.from ? { from: values.from } : {}),
        onProgress: (n) => {
          if (n % 10_000 === 0) console.error(`read ${n} bounces`);
        },
      },
    );
    console.log(
      `rebuilt statistics from ${report.bounces} bounces: ${report.days} days` +
        (report.from ? ` (${report.from} to ${report.to})` : ''),
    );
    return 0;
  } finally {
    db.destroy();
    await local?.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof BounceError ? error.message : error);
  process.exitCode = 1;
}
