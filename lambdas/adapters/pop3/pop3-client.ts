import type net from 'node:net';
import { Pop3Error } from './errors.js';
import { LineReader } from './line-reader.js';
import { MultilineDecoder } from './multiline.js';
import {
  keepsSession,
  type ListEntry,
  parseCapa,
  parseList,
  parseStat,
  parseStatus,
  parseUidl,
  refusal,
  type Status,
  type UidlEntry,
} from './responses.js';
import { challengeStatus, type OAuthMechanism } from './sasl.js';
import { openSocket, type PendingSocket, type TransportOptions, upgradeSocket } from './transport.js';

export type { ListEntry, UidlEntry } from './responses.js';
export type { Pop3Tls } from './transport.js';

export interface Pop3ConnectOptions extends Omit<TransportOptions, 'timeoutMs'> {
  /** Limit for connecting, the TLS handshake and every read (default 15 s). */
  timeoutMs?: number;
  /** Largest multi-line reply accepted, e.g. one message (default 64 MiB). */
  maxResponseBytes?: number;
  /**
   * Epoch ms by which every connect and read ends, whatever `timeoutMs` would allow: the caller's own
   * time runs out then (a Lambda function's timeout), and a server that stalls must not outlast it.
   */
  deadlineAt?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A POP3 session (RFC 1939, CAPA and STLS from RFC 2449 / RFC 2595) of our own: npm's clients assume
 * one reply per TCP chunk and break on fragmented output (toolchain.md §6.1). Commands run one at a
 * time; a `-ERR` to a transaction command (RETR, DELE, ...) rejects that call and leaves the session
 * usable, every other failure destroys the socket. Deletions take effect only on a successful `quit`.
 */
export class Pop3Client {
  private socket: net.Socket;
  private readonly reader: LineReader;
  private readonly timeoutMs: number;
  private readonly deadlineAt: number | undefined;
  private readonly maxResponseBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  private secrets: string[] = [];
  private ended = false;

  private constructor(pending: PendingSocket, options: Pop3ConnectOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineAt = options.deadlineAt;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.reader = new LineReader(this.maxResponseBytes);
    this.socket = pending.socket;
    this.bind(this.socket);
  }

  /** Connects, reads the greeting and, for `starttls`, upgrades the connection before any login. */
  static async connect(options: Pop3ConnectOptions): Promise<Pop3Client> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const left = options.deadlineAt === undefined ? timeoutMs : options.deadlineAt - Date.now();
    const transport = { ...options, timeoutMs: Math.max(0, Math.min(timeoutMs, left)) };
    const pending = openSocket(transport);
    const client = new Pop3Client(pending, options);
    try {
      await pending.ready;
      await client.run(async () => {
        const greeting = await client.status('greeting');
        if (!greeting.ok) throw refusal('greeting', greeting, client.redact);
        if (options.tls === 'starttls') await client.startTls(transport);
      });
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.ended;
  }

  capa(): Promise<string[]> {
    return this.run(async () => parseCapa(await this.multi('CAPA')));
  }

  /** USER / PASS. A refusal is a Pop3Error `auth` naming neither the user nor the password. */
  login(user: string, password: string): Promise<void> {
    return this.run(async () => {
      this.secrets = password === '' ? [] : [password];
      await this.simple('USER', user);
      await this.simple('PASS', password);
    });
  }

  /**
   * SASL OAuth sign-in in POP3's two-line form (RFC 5034), which Microsoft requires: `AUTH XOAUTH2`,
   * the server's `+`, then the base64 initial response. A JSON error challenge is answered with an
   * empty line for XOAUTH2 (`AQ==`, i.e. \x01, for OAUTHBEARER per RFC 7628) and reported as `auth`.
   * The token is never logged, and is removed from any server text kept in an error.
   */
  authenticate(mechanism: OAuthMechanism, initialResponse: string, token: string): Promise<void> {
    return this.run(async () => {
      this.secrets = [initialResponse, token].filter(Boolean);
      this.send('AUTH', mechanism);
      let line = await this.rawLine('AUTH');
      if (/^\+(?!OK)/.test(line)) {
        this.socket.write(`${initialResponse}\r\n`);
        line = await this.rawLine('AUTH');
      }
      let detail = '';
      if (/^\+(?!OK)/.test(line)) {
        const status = challengeStatus(line.slice(1).trim());
        detail = status ? ` (status ${status})` : '';
        this.socket.write(mechanism === 'XOAUTH2' ? '\r\n' : 'AQ==\r\n');
        line = await this.rawLine('AUTH');
      }
      const status = parseStatus(Buffer.from(line), 'AUTH', this.redact);
      if (status.ok) return;
      const refused = refusal('PASS', status, this.redact);
      throw new Pop3Error(refused.code, `${refused.message}${detail}`, {
        command: 'AUTH',
        serverText: refused.serverText,
        responseCode: refused.responseCode,
      });
    });
  }

  stat(): Promise<{ count: number; size: number }> {
    return this.run(async () => parseStat(await this.simple('STAT')));
  }

  list(): Promise<ListEntry[]> {
    return this.run(async () => parseList(await this.multi('LIST')));
  }

  uidl(): Promise<UidlEntry[]> {
    return this.run(async () => parseUidl(await this.multi('UIDL')));
  }

  /** The message's exact bytes, dot-unstuffed, without the terminating line. */
  retr(n: number): Promise<Buffer> {
    return this.run(() => this.multi('RETR', String(n)));
  }

  top(n: number, lines: number): Promise<Buffer> {
    return this.run(() => this.multi('TOP', `${n} ${lines}`));
  }

  dele(n: number): Promise<void> {
    return this.run(() => this.expectOk('DELE', String(n)));
  }

  rset(): Promise<void> {
    return this.run(() => this.expectOk('RSET'));
  }

  noop(): Promise<void> {
    return this.run(() => this.expectOk('NOOP'));
  }

  /** Ends the session so the server applies the deletions; rejects if it says it could not. */
  quit(): Promise<void> {
    return this.run(async () => {
      try {
        await this.simple('QUIT');
      } finally {
        this.close();
      }
    });
  }

  /** Drops the connection without QUIT: the server keeps every message (RFC 1939 §6). Idempotent. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.reader.fail(new Pop3Error('connection', 'the POP3 session is closed'));
    this.socket.destroy();
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      if (this.ended) throw new Pop3Error('connection', 'the POP3 session is closed');
      try {
        return await task();
      } catch (error) {
        if (!keepsSession(error)) this.close();
        throw error;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private bind(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('error', (cause) => {
      this.reader.fail(new Pop3Error('connection', `POP3 connection failed: ${cause.message}`, { cause }));
    });
    socket.on('close', () =>
      this.reader.fail(new Pop3Error('connection', 'the POP3 server closed the connection')),
    );
  }

  private async startTls(transport: TransportOptions): Promise<void> {
    await this.simple('STLS');
    // Bytes that came after the +OK were sent in clear text, where anyone could have injected them.
    if (this.reader.buffered) throw new Pop3Error('tls', 'the server sent data after accepting STLS');
    this.socket.removeAllListeners('data');
    const pending = upgradeSocket(this.socket, transport);
    this.socket = pending.socket;
    this.bind(this.socket);
    await pending.ready;
  }

  private async rawLine(verb: string): Promise<string> {
    return (await this.read(`reply to ${verb}`)).toString('utf8').replace(/\r?\n$/, '');
  }

  private async status(verb: string): Promise<Status> {
    return parseStatus(await this.read(`reply to ${verb}`), verb, this.redact);
  }

  /** The next line, within the read timeout and before the caller's deadline, whichever comes first. */
  private read(what: string): Promise<Buffer> {
    const left = this.deadlineAt === undefined ? Number.POSITIVE_INFINITY : this.deadlineAt - Date.now();
    if (left >= this.timeoutMs) return this.reader.read(this.timeoutMs, what);
    return this.reader.read(Math.max(0, left), what, `the scan's time ran out waiting for the ${what}`);
  }

  private send(verb: string, arg?: string): void {
    if (arg !== undefined && /[\r\n]/.test(arg)) {
      throw new Pop3Error(
        verb === 'USER' || verb === 'PASS' ? 'auth' : 'protocol',
        `${verb} argument has a line break`,
      );
    }
    this.socket.write(arg === undefined ? `${verb}\r\n` : `${verb} ${arg}\r\n`);
  }

  private async simple(verb: string, arg?: string): Promise<string> {
    this.send(verb, arg);
    const status = await this.status(verb);
    if (!status.ok) throw refusal(verb, status, this.redact);
    return status.text;
  }

  private async expectOk(verb: string, arg?: string): Promise<void> {
    await this.simple(verb, arg);
  }

  private async multi(verb: string, arg?: string): Promise<Buffer> {
    await this.simple(verb, arg);
    const decoder = new MultilineDecoder(this.maxResponseBytes);
    while (!decoder.push(await this.read(`${verb} data`)));
    return decoder.body();
  }

  private readonly redact = (text: string): string =>
    this.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
