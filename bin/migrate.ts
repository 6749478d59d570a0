/**
 * `npm run migrate -- --table NAME [--endpoint URL] [--segments N]`
 * Brings the bounces stored in a table to the current layout of list keys (README "Operations"):
 * run it once after deploying a release that says so. Uses the AWS credentials and region of the
 * environment (AWS_PROFILE, AWS_REGION, ...); it needs dynamodb:Scan, GetItem, UpdateItem and PutItem
 * on the table, which the service's own functions are never granted. `npm start` migrates its own
 * store by itself.
 */
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/client.js';
import { SCHEMA_VERSION } from '../lambdas/adapters/dynamodb/keys.js';
import { localClientConfig } from './local/local-dynamodb.js';
import { migrateTable, schemaVersion } from './migrate/migrate-table.js';

const USAGE = `usage: npm run migrate -- --table NAME [--endpoint URL] [--segments N]
  --table NAME     the table (the stack's TableName output)
  --endpoint URL   a DynamoDB-compatible endpoint instead of AWS (DynamoDB Local), no credentials needed
  --segments N     parallel scan segments (default 4)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      table: { type: 'string' },
      endpoint: { type: 'string' },
      segments: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.table) {
    console.error(`--table is required\n${USAGE}`);
    return 2;
  }
  const segments = Number(values.segments ?? '4');
  if (!Number.isInteger(segments) || segments < 1 || segments > 64) {
    console.error('--segments must be a whole number from 1 to 64');
    return 2;
  }
  const db = createDocumentClient(values.endpoint ? localClientConfig(values.endpoint) : {});
  try {
    const before = await schemaVersion(db, values.table);
    console.log(`table ${values.table}: layout version ${before}, current ${SCHEMA_VERSION}`);
    let shown = 0;
    const report = await migrateTable(db, values.table, {
      segments,
      now: () => new Date(),
      onProgress: (r) => {
        if (r.bounces - shown < 10_000) return;
        shown = r.bounces;
        console.log(`  ${r.bounces} bounces read, ${r.updated} updated`);
      },
    });
    console.log(
      `done: ${report.bounces} bounces read, ${report.updated} updated, ${report.skipped} left as they are ` +
        `(deleted); layout version ${SCHEMA_VERSION}`,
    );
    return 0;
  } finally {
    db.destroy();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
