import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { MailboxError } from '../../core/mailbox/mailbox-error.js';
import type {
  MailboxConnection,
  MailboxConnector,
  MailboxMessage,
  MailboxSession,
  SessionLimits,
} from '../../core/mailbox/ports.js';
import { imapConnectStage, imapErrorCode, imapErrorMessage } from './imap-stage.js';
import { SessionDeadline } from './session-deadline.js';

export interface ImapMailboxClientOptions {
  /** Limit for connecting, the greeting and any quiet spell on the socket (default 15 s). */
  timeoutMs?: number;
  /** Largest message fetched (default 64 MiB); a bigger one fails without being downloaded. */
  maxMessageBytes?: number;
  /** Extra trusted CA certificates and the name to verify, for servers with a private CA (tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** UIDs per MOVE / STORE / EXPUNGE command, so a long, gappy set never makes a huge command line. */
const CHUNK = 500;

/**
 * MailboxConnector over imapflow (a maintained IMAP client), logger off, timeouts inside the scan's
 * budget and every step cut off at the session's time limit (`SessionLimits`), no IDLE. Every command works by UID. Listing and fetching run under EXAMINE, so nothing is
 * marked \Seen and nothing changes until `commit`, which selects the folder, checks that UIDVALIDITY
 * is still the listed one, and moves or deletes exactly the UIDs handed to `delete`.
 */
export class ImapMailboxClient implements MailboxConnector {
  constructor(private readonly options: ImapMailboxClientOptions = {}) {}

  async open(mailbox: MailboxConnection, limits: SessionLimits = {}): Promise<MailboxSession> {
    const at = limits.timeLimitMs === undefined ? undefined : Date.now() + limits.timeLimitMs;
    // imapflow takes 0 as "the 90 s default": at least 1 ms.
    const left = at === undefined ? Number.POSITIVE_INFINITY : Math.max(1, at - Date.now());
    const timeout = Math.min(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, left);
    const maxBytes = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const secrets = [mailbox.password, mailbox.access_token ?? ''];
    const auth =
      mailbox.auth_protocol === 'oauth2'
        ? { user: mailbox.username, accessToken: mailbox.access_token ?? '' }
        : mailbox.auth_protocol === 'userpass'
          ? { user: mailbox.username, pass: mailbox.password }
          : undefined;
    if (mailbox.auth_protocol === 'oauth2' && !mailbox.access_token)
      throw new MailboxError('token', 'no OAuth2 access token to sign in with');
    const options: ImapFlowOptions = {
      host: mailbox.host,
      port: mailbox.port,
      secure: mailbox.tls === 'implicit',
      // STARTTLS is required when asked for, never tried otherwise: a stripped capability must not
      // silently send the credentials in clear text.
      doSTARTTLS: mailbox.tls === 'starttls' ? true : mailbox.tls === 'none' ? false : undefined,
      ...(this.options.servername ? { servername: this.options.servername } : {}),
      tls: {
        rejectUnauthorized: !mailbox.tls_skip_verify,
        minVersion: 'TLSv1.2',
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      },
      ...(auth ? { auth } : {}),
      logger: false,
      disableAutoIdle: true,
      disableCompression: true,
      clientInfo: { name: 'stmails-bounce' },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      // Also ends a connection left quiet that long between commands. A scan sends one per message, so
      // only a message taking longer than this to record costs the connection: nothing is moved then,
      // and the next scan finds the recorded messages as duplicates.
      socketTimeout: timeout,
      maxLiteralSize: maxBytes,
      maxResponseSize: maxBytes + 1024 * 1024,
    };
    const client = new ImapFlow(options);
    // imapflow reports a lost connection as an 'error' event too; the pending command rejects with it.
    client.on('error', () => undefined);
    const deadline = new SessionDeadline(at, () => client.close());
    try {
      await deadline.run(client.connect(), `connecting to ${mailbox.host}:${mailbox.port}`);
    } catch (error) {
      deadline.stop();
      client.close();
      // The scan's time ran out: say how far the sign-in got, for the connection test.
      if (error instanceof MailboxError)
        throw new MailboxError(imapConnectStage(error, client), error.message, { code: error.code });
      throw new MailboxError(imapConnectStage(error, client), imapErrorMessage(error, secrets), {
        cause: error,
        ...imapErrorCode(error),
      });
    }
    return new ImapMailboxSession(client, deadline, {
      folder: mailbox.folder ?? 'INBOX',
      moveTo: mailbox.after_processing === 'move' ? (mailbox.move_to ?? '') : undefined,
      maxBytes,
      secrets,
    });
  }
}

interface SessionOptions {
  folder: string;
  /** Set for `after_processing: move`. */
  moveTo?: string;
  maxBytes: number;
  secrets: string[];
}

class ImapMailboxSession implements MailboxSession {
  private validity?: bigint;
  /** The session's UID key (folder, UIDVALIDITY, UID) to the UID and size. */
  private readonly listed = new Map<string, { uid: number; size: number }>();
  private readonly chosen = new Set<number>();

  constructor(
    private readonly client: ImapFlow,
    private readonly deadline: SessionDeadline,
    private readonly options: SessionOptions,
  ) {}

  /** State keys: folder, UIDVALIDITY and UID, so a recreated folder's UIDs never match old state. */
  private key(uid: number): string {
    return `${this.options.folder}:${this.validity}:${uid}`;
  }

  private async examine(): Promise<number> {
    try {
      const box = await this.deadline.run(
        this.client.mailboxOpen(this.options.folder, { readOnly: true }),
        `opening folder ${this.options.folder}`,
      );
      this.validity = box.uidValidity;
      return box.exists;
    } catch (error) {
      throw this.fail(error, 'folder', `cannot open folder ${this.options.folder}`);
    }
  }

  async count(): Promise<number> {
    return this.examine();
  }

  async list(): Promise<MailboxMessage[]> {
    const exists = await this.examine();
    this.listed.clear();
    if (exists === 0) return [];
    let rows: { uid: number; size?: number }[];
    try {
      // The whole listing is collected before anything else is sent on the connection.
      rows = await this.deadline.run(
        this.client.fetchAll('1:*', { uid: true, size: true }, { uid: true }),
        'listing the folder',
      );
    } catch (error) {
      throw this.fail(error, null, 'listing the folder failed');
    }
    rows.sort((a, b) => a.uid - b.uid);
    return rows.map(({ uid, size = 0 }) => {
      this.listed.set(this.key(uid), { uid, size });
      return { uid: this.key(uid), size };
    });
  }

  async fetch(key: string): Promise<Uint8Array | null> {
    const entry = this.entry(key);
    if (entry.size > this.options.maxBytes)
      throw new MailboxError(
        null,
        `message ${key} is ${entry.size} bytes, over the ${this.options.maxBytes} limit`,
      );
    let message: { source?: Buffer } | false;
    try {
      // BODY.PEEK[] under EXAMINE: \Seen is never set.
      message = await this.deadline.run(
        this.client.fetchOne(String(entry.uid), { uid: true, source: true }, { uid: true }),
        `fetching ${key}`,
      );
    } catch (error) {
      if (/EXPUNGEISSUED/i.test(String((error as { responseText?: string }).responseText ?? ''))) return null;
      throw this.fail(error, null, `fetching ${key} failed`);
    }
    if (!message) return null;
    return message.source ?? null;
  }

  async delete(key: string): Promise<void> {
    this.chosen.add(this.entry(key).uid);
  }

  async commit(): Promise<void> {
    try {
      if (this.chosen.size > 0) {
        await this.deadline
          .run(this.removeChosen(), 'moving or deleting messages')
          .catch((error: unknown) => {
            throw this.fail(error, null, 'moving or deleting messages failed');
          });
      }
      // The moves and deletions are done by now: a lost LOGOUT changes nothing.
      await this.deadline.run(this.client.logout(), 'at LOGOUT').catch(() => this.client.close());
    } finally {
      this.deadline.stop();
    }
  }

  close(): void {
    this.deadline.stop();
    this.client.close();
  }

  private entry(key: string): { uid: number; size: number } {
    const entry = this.listed.get(key);
    if (!entry) throw new MailboxError(null, `${key} is not in this session's listing`);
    return entry;
  }

  private async removeChosen(): Promise<void> {
    const { folder, moveTo } = this.options;
    let validity: bigint;
    try {
      validity = (await this.client.mailboxOpen(folder)).uidValidity;
    } catch (error) {
      throw this.fail(error, 'folder', `cannot select folder ${folder}`);
    }
    if (validity !== this.validity)
      throw new MailboxError(
        null,
        `UIDVALIDITY of ${folder} changed during the scan; nothing was moved or deleted`,
      );
    const uids = [...this.chosen].sort((a, b) => a - b);
    if (moveTo !== undefined) {
      // Created if missing; an existing folder answers ALREADYEXISTS, which imapflow takes as done.
      await this.client.mailboxCreate(moveTo).catch(() => undefined);
    }
    for (let i = 0; i < uids.length; i += CHUNK) {
      const set = uids.slice(i, i + CHUNK).join(',');
      if (moveTo !== undefined) await this.move(set, moveTo);
      else await this.remove(set);
    }
  }

  private async move(set: string, moveTo: string): Promise<void> {
    if (this.client.capabilities.has('MOVE')) {
      const moved = await this.client.messageMove(set, moveTo, { uid: true });
      if (!moved) throw this.refused(`move messages to ${moveTo}`);
      return;
    }
    // No MOVE (RFC 6851): copy, then remove the originals with the same care as a delete.
    const copied = await this.client.messageCopy(set, moveTo, { uid: true });
    if (!copied) throw this.refused(`copy messages to ${moveTo}`);
    await this.remove(set);
  }

  /**
   * Deletes exactly `set`. With UIDPLUS, UID EXPUNGE. Without it, EXPUNGE would also remove every
   * message someone else flagged \Deleted, so it runs only after a search finds no such message;
   * otherwise the flags are taken back and the deletion is reported as failed.
   */
  private async remove(set: string): Promise<void> {
    const refused = () => this.refused(`delete messages ${set}`);
    if (this.client.capabilities.has('UIDPLUS')) {
      if (!(await this.client.messageDelete(set, { uid: true }))) throw refused();
      return;
    }
    if (!(await this.client.messageFlagsAdd(set, ['\\Deleted'], { uid: true }))) throw refused();
    const ours = new Set(set.split(',').map(Number));
    const flagged = (await this.client.search({ deleted: true }, { uid: true })) || [];
    const others = flagged.filter((uid) => !ours.has(uid));
    if (others.length > 0) {
      await this.client.messageFlagsRemove(set, ['\\Deleted'], { uid: true });
      throw new MailboxError(
        null,
        `not deleted: the server has no UIDPLUS and ${others.length} other message(s) in the folder are flagged \\Deleted, which EXPUNGE would remove too`,
      );
    }
    if (!(await this.client.messageDelete(set, { uid: true }))) throw refused();
  }

  /**
   * imapflow answers `false` both when the server said NO and when the connection went away before
   * the answer came: which one it was decides the failure kind, and whether it may have been applied.
   */
  private refused(what: string): MailboxError {
    if (!this.client.usable)
      return new MailboxError(null, `the connection was lost before the server confirmed: ${what}`, {
        code: 'connection',
      });
    return new MailboxError(null, `the server refused to ${what}`, { code: 'server' });
  }

  private fail(error: unknown, stage: 'folder' | null, what: string): MailboxError {
    if (error instanceof MailboxError) return error;
    return new MailboxError(stage, `${what}: ${imapErrorMessage(error, this.options.secrets)}`, {
      cause: error,
      ...imapErrorCode(error),
    });
  }
}
