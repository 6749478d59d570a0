import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { DynamoDbSubscriberStore } from '../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { systemClock } from '../../lambdas/adapters/system-clock.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import { ensureTable, localClientConfig, startDynalite } from '../local/local-dynamodb.js';

/** What the POP3 and IMAP scan benchmarks share, so their figures are of the same messages and stores. */
export const MESSAGES = 1000;
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/mail');
const BOUNCES = ['dsn-two-recipients.eml', 'qmail.eml', 'exim.eml', 'postfix-no-report.eml', 'gmail.eml'];

/** 1,000 bounces: the project's fixtures with a fresh Message-ID and recipient each, so none is a duplicate. */
export function corpus(): Buffer[] {
  const sources = BOUNCES.filter((f) => readdirSync(FIXTURES).includes(f)).map((f) =>
    readFileSync(join(FIXTURES, f), 'latin1'),
  );
  return Array.from({ length: MESSAGES }, (_, i) => {
    const text = (sources[i % sources.length] as string)
      .replace(/^Message-ID:.*$/im, `Message-ID: <bench-${i}@bench.test>`)
      .replace(/@example\.(com|org|net)/gi, `+b${i}@example.$1`);
    return Buffer.from(text, 'latin1');
  });
}

/** A fresh dynalite process and table, with the stores a scan records into. */
export async function stores() {
  const ddb = await startDynalite();
  const table = `bench-${Date.now()}`;
  await ensureTable(ddb.endpoint, table);
  const db = createDocumentClient(localClientConfig(ddb.endpoint));
  const record = {
    subscribers: new DynamoDbSubscriberStore(db, table),
    bounces: new DynamoDbBounceStore(db, table, new CursorSigner(new MemorySecretStore())),
    events: { publish: async () => undefined },
    clock: systemClock,
    ids: ulidIds(),
  };
  return { ddb, db, record, state: new DynamoDbMailboxState(db, table) };
}
