import { MailboxError, type MailboxStage } from '../../core/mailbox/mailbox-error.js';
import type { SessionLimits } from '../../core/mailbox/ports.js';
import { Pop3Error } from './errors.js';
import type { MailboxClient, MailboxConnection, MailboxMessage, MailboxSession } from './mailbox-client.js';
import { Pop3Client } from './pop3-client.js';
import { chooseOAuthMechanism, oauthInitialResponse } from './sasl.js';

export interface Pop3MailboxClientOptions {
  /** Limit for connecting and for every read (default 15 s). */
  timeoutMs?: number;
  /** Largest message fetched (default 64 MiB). */
  maxMessageBytes?: number;
  /** Extra trusted CA certificates and the name to verify, for servers with a private CA (tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME']);

/** Marks where a sign-in failed (the connection test reports it); other errors keep their own fields. */
function staged(error: unknown, stage: MailboxStage): Error {
  if (error instanceof Pop3Error) {
    error.stage ??= stage;
    return error;
  }
  return new MailboxError(stage, (error as Error)?.message ?? 'POP3 sign-in failed', { cause: error });
}

/** Where connecting failed: DNS, TCP, TLS, or (after those) the greeting. */
export function pop3ConnectStage(error: unknown): MailboxStage {
  if (!(error instanceof Pop3Error)) return 'connect';
  if (error.code === 'tls' || error.command === 'TLS') return 'tls';
  if (error.command === 'CONNECT') {
    const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    return cause && DNS_CODES.has(cause) ? 'dns' : 'connect';
  }
  return 'greeting';
}

/** MailboxClient over our POP3 client: USER/PASS, or SASL XOAUTH2 / OAUTHBEARER with a bearer token. */
export class Pop3MailboxClient implements MailboxClient {
  constructor(private readonly options: Pop3MailboxClientOptions = {}) {}

  async open(mailbox: MailboxConnection, limits: SessionLimits = {}): Promise<MailboxSession> {
    let client: Pop3Client;
    try {
      client = await Pop3Client.connect({
        ...(limits.timeLimitMs !== undefined ? { deadlineAt: Date.now() + limits.timeLimitMs } : {}),
        host: mailbox.host,
        port: mailbox.port,
        tls: mailbox.tls,
        tlsSkipVerify: mailbox.tls_skip_verify,
        ca: this.options.ca,
        servername: this.options.servername,
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: this.options.maxMessageBytes,
      });
    } catch (error) {
      throw staged(error, pop3ConnectStage(error));
    }
    try {
      if (mailbox.auth_protocol === 'oauth2') await this.oauth2(client, mailbox);
      else if (mailbox.auth_protocol !== 'none') await client.login(mailbox.username, mailbox.password);
    } catch (error) {
      client.close();
      throw staged(error, 'auth');
    }
    return new Pop3MailboxSession(client);
  }

  private async oauth2(client: Pop3Client, mailbox: MailboxConnection): Promise<void> {
    if (!mailbox.access_token) throw new Pop3Error('auth', 'no OAuth2 access token to sign in with');
    // A server without CAPA still gets the documented XOAUTH2.
    const capabilities = await client.capa().catch(() => [] as string[]);
    const mechanism = chooseOAuthMechanism(capabilities);
    const payload = oauthInitialResponse(
      mechanism,
      mailbox.username,
      mailbox.access_token,
      this.options.servername ?? mailbox.host,
      mailbox.port,
    );
    await client.authenticate(mechanism, payload, mailbox.access_token);
  }
}

class Pop3MailboxSession implements MailboxSession {
  /** UID to the message number of this session. */
  private numbers = new Map<string, number>();

  constructor(private readonly client: Pop3Client) {}

  async list(): Promise<MailboxMessage[]> {
    const uids = await this.client.uidl();
    const sizes = new Map((await this.client.list()).map((entry) => [entry.n, entry.size]));
    const numbers = new Map<string, number>();
    const messages: MailboxMessage[] = [];
    for (const { n, uid } of uids) {
      const size = sizes.get(n);
      // Two messages under one UID would make a DELE hit the wrong one: refuse the whole listing.
      const fault = numbers.has(uid)
        ? `the server lists UID ${uid} twice`
        : size === undefined && `message ${n} is in UIDL but not in LIST`;
      if (fault) {
        this.client.close();
        throw new Pop3Error('protocol', fault);
      }
      numbers.set(uid, n);
      messages.push({ uid, size: size as number });
    }
    this.numbers = numbers;
    return messages;
  }

  async count(): Promise<number> {
    const { count } = await this.client.stat();
    await this.client.uidl();
    return count;
  }

  async fetch(uid: string): Promise<Uint8Array> {
    return this.client.retr(this.number(uid));
  }

  async delete(uid: string): Promise<void> {
    await this.client.dele(this.number(uid));
  }

  commit(): Promise<void> {
    return this.client.quit();
  }

  close(): void {
    this.client.close();
  }

  private number(uid: string): number {
    const n = this.numbers.get(uid);
    if (n === undefined) throw new Pop3Error('server', `UID ${uid} is not in this session's listing`);
    return n;
  }
}
