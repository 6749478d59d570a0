import type { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbMailboxState } from '../adapters/dynamodb/dynamodb-mailbox-state.js';
import { Pop3MailboxClient } from '../adapters/pop3/pop3-mailbox-client.js';
import { parseBounce } from '../core/mail/parse-bounce.js';
import type { ScanDeps } from '../core/mailbox/scan-mailbox.js';
import { awsTable } from './deps.js';

/** POP3 bounce mailboxes: the connector, the parser and the per-mailbox scan state. */
export type MailboxDeps = Omit<ScanDeps, 'record'>;

export function mailboxDepsFor(db: ReturnType<typeof createDocumentClient>, tableName: string): MailboxDeps {
  return {
    connector: new Pop3MailboxClient(),
    parse: parseBounce,
    state: new DynamoDbMailboxState(db, tableName),
  };
}

let memo: MailboxDeps | undefined;

/** The mailbox parts in AWS, for the functions that scan (the scanner and the API), once per container. */
export function awsMailboxDeps(): MailboxDeps {
  if (memo) return memo;
  const { db, tableName } = awsTable();
  memo = mailboxDepsFor(db, tableName);
  return memo;
}
