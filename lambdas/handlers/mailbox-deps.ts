import type { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbMailboxState } from '../adapters/dynamodb/dynamodb-mailbox-state.js';
import { ImapMailboxClient, type ImapMailboxClientOptions } from '../adapters/imap/imap-mailbox-client.js';
import { FetchTokenEndpoint } from '../adapters/oauth2/fetch-token-endpoint.js';
import { Pop3MailboxClient, type Pop3MailboxClientOptions } from '../adapters/pop3/pop3-mailbox-client.js';
import { systemClock } from '../adapters/system-clock.js';
import { parseBounce } from '../core/mail/parse-bounce.js';
import { connectorByType, OAuth2Connector } from '../core/mailbox/oauth2-connector.js';
import { OAuth2Tokens, secretStoreRefreshTokens, type TokenEndpoint } from '../core/mailbox/oauth2-tokens.js';
import type { MailboxConnector } from '../core/mailbox/ports.js';
import type { ScanDeps } from '../core/mailbox/scan-mailbox.js';
import type { Clock } from '../core/ports.js';
import type { SecretStore } from '../core/settings/settings-service.js';
import { awsSettingsSecrets, awsTable } from './deps.js';

/** Bounce mailboxes (POP3, IMAP): the connector, the parser and the per-mailbox scan state. */
export type MailboxDeps = Omit<ScanDeps, 'record'>;

export interface ConnectorParts {
  /** Where a refresh token rotated by the token endpoint is saved: the settings' secret store. */
  secrets: SecretStore;
  clock?: Clock;
  tokenEndpoint?: TokenEndpoint;
  /** Client options (timeouts, a private CA in tests) for both protocols. */
  client?: Pop3MailboxClientOptions & ImapMailboxClientOptions;
}

/** POP3 or IMAP by the mailbox's type, signing in with a password or an OAuth2 access token. */
export function mailboxConnector(parts: ConnectorParts): MailboxConnector {
  const clock = parts.clock ?? systemClock;
  const tokens = new OAuth2Tokens(
    parts.tokenEndpoint ?? new FetchTokenEndpoint(),
    clock,
    secretStoreRefreshTokens(parts.secrets),
  );
  const byType = connectorByType({
    pop: new Pop3MailboxClient(parts.client),
    imap: new ImapMailboxClient(parts.client),
  });
  return new OAuth2Connector(byType, tokens, clock);
}

export function mailboxDepsFor(
  db: ReturnType<typeof createDocumentClient>,
  tableName: string,
  secrets: SecretStore,
): MailboxDeps {
  return {
    connector: mailboxConnector({ secrets }),
    parse: parseBounce,
    state: new DynamoDbMailboxState(db, tableName),
  };
}

let memo: MailboxDeps | undefined;

/** The mailbox parts in AWS, for the functions that scan (the scanner and the API), once per container. */
export function awsMailboxDeps(): MailboxDeps {
  if (memo) return memo;
  const { db, tableName } = awsTable();
  // The environment is checked with the table's: no secret ARN fails the cold start, never memory.
  memo = mailboxDepsFor(db, tableName, awsSettingsSecrets());
  return memo;
}
