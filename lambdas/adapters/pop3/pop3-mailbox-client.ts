import type { SessionLimits } from '../../core/mailbox/ports.js';
import { Pop3Error } from './errors.js';
import type { MailboxClient, MailboxConnection, MailboxMessage, MailboxSession } from './mailbox-client.js';
import { Pop3Client } from './pop3-client.js';

export interface Pop3MailboxClientOptions {
  /** Limit for connecting and for every read (default 15 s). */
  timeoutMs?: number;
  /** Largest message fetched (default 64 MiB). */
  maxMessageBytes?: number;
  /** Extra trusted CA certificates and the name to verify, for servers with a private CA (tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
}

/** MailboxClient over our POP3 client. */
export class Pop3MailboxClient implements MailboxClient {
  constructor(private readonly options: Pop3MailboxClientOptions = {}) {}

  async open(mailbox: MailboxConnection, limits: SessionLimits = {}): Promise<MailboxSession> {
    const client = await Pop3Client.connect({
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
    try {
      if (mailbox.auth_protocol !== 'none') await client.login(mailbox.username, mailbox.password);
    } catch (error) {
      client.close();
      throw error;
    }
    return new Pop3MailboxSession(client);
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
