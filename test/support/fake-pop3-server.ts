import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

const FIXTURES = join(import.meta.dirname, '../fixtures/pop3');
/** TEST-ONLY certificate for localhost / 127.0.0.1 (test/fixtures/pop3/README.md); also its own CA. */
export const TEST_CERT = readFileSync(join(FIXTURES, 'test-only-cert.pem'), 'utf8');
export const TEST_KEY = readFileSync(join(FIXTURES, 'test-only-key.pem'), 'utf8');
export const TEST_USER = 'bounce@example.test';
export const TEST_PASSWORD = 'pop-s3cret-Pa55';

export interface FakeMessage {
  uid: string;
  body: Buffer;
}

export interface FakePop3Options {
  messages?: Array<Buffer | string | { uid?: string; body: Buffer | string }>;
  users?: Record<string, string>;
  /** `implicit`: TLS from the first byte (POP3S). STLS is offered on plain connections either way. */
  tls?: 'implicit' | 'none';
  /** Write every reply in pieces of this many bytes, each after a pause, to fragment the stream. */
  split?: number;
  /** Pause between pieces in ms; 0 yields one event-loop turn (default). */
  delayMs?: number;
  /** Pause only after this many pieces (default 1), to fragment a large reply at less cost. */
  pauseEvery?: number;
  /** On RETR (or on the Nth RETR of a connection): send `+OK` and half the message, then drop the connection. */
  dropMidRetr?: boolean | number;
  /** Stop answering at this command (`greeting`: say nothing at all); the connection stays open. */
  stallOn?: string;
  /** Refuse every PASS with `-ERR [AUTH] ...`. */
  refuseLogins?: boolean;
  /** Replace the reply to a command with this raw line, e.g. `{ RETR: '-ERR [SYS/TEMP] disk' }`. */
  replies?: Record<string, string>;
  /** Bytes sent in clear right after `+OK` to STLS (an injection a client must refuse). */
  afterStls?: string;
  /**
   * At QUIT, hang up without answering: `drop` before applying the deletions (the server died in the
   * AUTHORIZATION-to-UPDATE step), `apply-and-drop` after applying them (the reply was lost).
   */
  quit?: 'drop' | 'apply-and-drop';
  /** SASL mechanisms listed in CAPA and accepted by AUTH (XOAUTH2, OAUTHBEARER). */
  sasl?: string[];
  /** Bearer tokens AUTH accepts, and the user each signs in. */
  tokens?: Record<string, string>;
}

export interface FakeSession {
  commands: string[];
  /** Resolves when the TCP connection has closed, whoever closed it. */
  closed: Promise<void>;
  isClosed: boolean;
}

/** Dot-stuffs a body and terminates it (RFC 1939 §3), adding the CRLF a message may lack. */
export function stuff(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let line = 0; line < body.length; ) {
    if (body[line] === 0x2e) {
      parts.push(body.subarray(start, line), Buffer.from('.'));
      start = line;
    }
    const lf = body.indexOf(0x0a, line);
    if (lf === -1) break;
    line = lf + 1;
  }
  parts.push(body.subarray(start));
  if (!body.subarray(-2).equals(Buffer.from('\r\n'))) parts.push(Buffer.from('\r\n'));
  parts.push(Buffer.from('.\r\n'));
  return Buffer.concat(parts);
}

/** An in-process POP3 server on 127.0.0.1 with knobs for the failures a real network produces. */
export class FakePop3Server {
  readonly host = '127.0.0.1';
  readonly sessions: FakeSession[] = [];
  /** The maildrop; deletions are applied to it at QUIT only. */
  mailbox: FakeMessage[];
  private readonly sockets = new Set<net.Socket>();
  private readonly context = tls.createSecureContext({ key: TEST_KEY, cert: TEST_CERT });

  private constructor(
    private readonly server: net.Server,
    readonly options: FakePop3Options,
  ) {
    this.mailbox = (options.messages ?? []).map((m, i) => {
      const { uid, body } = Buffer.isBuffer(m) || typeof m === 'string' ? { uid: undefined, body: m } : m;
      return { uid: uid ?? `uid-${i + 1}`, body: Buffer.from(body) };
    });
  }

  static async start(options: FakePop3Options = {}): Promise<FakePop3Server> {
    const server = net.createServer();
    const fake = new FakePop3Server(server, options);
    server.on('connection', (socket) => fake.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves once every connection made so far has closed. */
  async allClosed(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.closed));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(raw: net.Socket): void {
    raw.setNoDelay(true);
    const session: FakeSession = { commands: [], closed: Promise.resolve(), isClosed: false };
    let markClosed = () => {};
    session.closed = new Promise((resolve) => {
      markClosed = () => {
        session.isClosed = true;
        resolve();
      };
    });
    this.sessions.push(session);
    // A TLS wrapper takes over the raw socket's handle, so whichever of the two closes ends the session.
    const track = (socket: net.Socket) => {
      this.sockets.add(socket);
      return socket.on('close', () => {
        this.sockets.delete(socket);
        markClosed();
      });
    };
    track(raw);
    const io = this.options.tls === 'implicit' ? track(this.secure(raw)) : raw;
    new Conversation(this, io, raw, session, track).begin();
  }

  secure(socket: net.Socket): tls.TLSSocket {
    const secured = new tls.TLSSocket(socket, { isServer: true, secureContext: this.context });
    // A wrapper made by hand stays half-open after the client's FIN; a POP3 server would hang up.
    secured.on('error', () => secured.destroy()).on('end', () => secured.destroy());
    return secured;
  }
}

/** One client's session: the RFC 1939 state machine over a line-buffered socket. */
class Conversation {
  private input = '';
  private user: string | null = null;
  private drop: FakeMessage[] | null = null;
  private readonly deleted = new Set<number>();
  private output: Promise<void> = Promise.resolve();
  private stalled = false;
  private retrs = 0;
  private upgraded: boolean;
  /** The SASL exchange under way: the mechanism awaiting its payload, or the answer to a JSON challenge. */
  private sasl: string | null = null;

  constructor(
    private readonly fake: FakePop3Server,
    private io: net.Socket,
    private readonly raw: net.Socket,
    private readonly session: FakeSession,
    private readonly track: (socket: net.Socket) => net.Socket,
  ) {
    this.upgraded = io !== raw;
    io.on('error', () => io.destroy());
  }

  begin(): void {
    this.listen();
    if (this.fake.options.stallOn === 'greeting') this.stalled = true;
    else this.send('+OK fake POP3 ready\r\n');
  }

  private listen(): void {
    this.io.on('data', (chunk: Buffer) => {
      this.input += chunk.toString('latin1');
      for (let end = this.input.indexOf('\r\n'); end !== -1; end = this.input.indexOf('\r\n')) {
        const line = this.input.slice(0, end);
        this.input = this.input.slice(end + 2);
        if (!this.stalled) this.handle(line);
      }
    });
  }

  /** Queues a reply; `after` runs right after its last byte is written, before any pause. */
  private send(data: string | Buffer, after?: () => void): void {
    const bytes = Buffer.from(data);
    const { split, delayMs = 0, pauseEvery = 1 } = this.fake.options;
    const io = this.io;
    this.output = this.output.then(async () => {
      const size = split ?? bytes.length;
      for (let i = 0, piece = 0; i < bytes.length; i += size, piece++) {
        if (piece > 0 && piece % pauseEvery === 0)
          await new Promise((resolve) =>
            delayMs > 0 ? setTimeout(resolve, delayMs) : setImmediate(resolve),
          );
        if (io.destroyed) return;
        io.write(bytes.subarray(i, i + size));
      }
      after?.();
    });
  }

  private visible(): Array<[number, FakeMessage]> {
    return (this.drop ?? [])
      .map((m, i) => [i + 1, m] as [number, FakeMessage])
      .filter(([n]) => !this.deleted.has(n));
  }

  private message(arg: string | undefined): FakeMessage | undefined {
    const n = Number(arg);
    return this.deleted.has(n) ? undefined : this.drop?.[n - 1];
  }

  private handle(line: string): void {
    this.session.commands.push(line);
    if (this.sasl) {
      this.send(this.saslStep(line));
      return;
    }
    const [verb = '', ...args] = line.split(' ');
    const upper = verb.toUpperCase();
    if (this.fake.options.stallOn === upper) {
      this.stalled = true;
      return;
    }
    const canned = this.fake.options.replies?.[upper];
    const reply = canned ? { data: `${canned}\r\n` } : this.reply(upper, args);
    this.send(reply.data, reply.after);
  }

  private reply(verb: string, args: string[]): Reply {
    if (verb === 'QUIT') return this.quit();
    if (verb === 'CAPA') {
      const sasl = this.fake.options.sasl?.length ? `SASL ${this.fake.options.sasl.join(' ')}\r\n` : '';
      return ok(`\r\nUSER\r\nUIDL\r\nTOP\r\n${sasl}${this.upgraded ? '' : 'STLS\r\n'}.`);
    }
    if (this.drop === null) return this.authorization(verb, args);
    if (verb === 'NOOP') return ok();
    if (verb === 'RSET') {
      this.deleted.clear();
      return ok();
    }
    if (verb === 'STAT') {
      const size = this.visible().reduce((sum, [, m]) => sum + m.body.length, 0);
      return ok(` ${this.visible().length} ${size}`);
    }
    if (verb === 'LIST' || verb === 'UIDL') {
      const field = (m: FakeMessage) => (verb === 'LIST' ? m.body.length : m.uid);
      const rows = this.visible().map(([n, m]) => `${n} ${field(m)}\r\n`);
      return ok(` ${rows.length} messages\r\n${rows.join('')}.`);
    }
    const message = this.message(args[0]);
    if (!message) return { data: '-ERR no such message\r\n' };
    if (verb === 'DELE') {
      this.deleted.add(Number(args[0]));
      return ok(' marked');
    }
    if (verb === 'RETR') this.retrs++;
    const drop = this.fake.options.dropMidRetr;
    if (verb === 'RETR' && (drop === true || drop === this.retrs)) {
      const half = stuff(message.body).subarray(0, Math.floor(message.body.length / 2));
      return { data: Buffer.concat([Buffer.from('+OK\r\n'), half]), after: () => this.io.end() };
    }
    if (verb === 'RETR') return { data: Buffer.concat([Buffer.from('+OK\r\n'), stuff(message.body)]) };
    if (verb === 'TOP')
      return { data: Buffer.concat([Buffer.from('+OK\r\n'), stuff(top(message.body, args[1]))]) };
    return { data: '-ERR unknown command\r\n' };
  }

  private authorization(verb: string, args: string[]): Reply {
    const users = this.fake.options.users ?? { [TEST_USER]: TEST_PASSWORD };
    if (verb === 'USER') {
      this.user = args.join(' ');
      return ok();
    }
    if (verb === 'PASS') {
      const good =
        this.user !== null && users[this.user] === args.join(' ') && !this.fake.options.refuseLogins;
      if (!good) return { data: '-ERR [AUTH] Authentication failed.\r\n' };
      this.drop = [...this.fake.mailbox];
      return ok(' logged in');
    }
    if (verb === 'AUTH' && this.fake.options.sasl?.includes((args[0] ?? '').toUpperCase())) {
      // RFC 5034's two-line form only (Microsoft's): the initial response comes after `+`.
      if (args.length > 1) return { data: '-ERR initial response not accepted on the AUTH line\r\n' };
      this.sasl = (args[0] as string).toUpperCase();
      return { data: '+ \r\n' };
    }
    if (verb === 'STLS' && !this.upgraded) {
      // Wrap at once after the reply's last byte, before the client's ClientHello can be read as text.
      const upgrade = () => {
        this.io.removeAllListeners('data');
        this.io = this.track(this.fake.secure(this.raw));
        this.upgraded = true;
        this.listen();
      };
      return {
        data: `+OK Begin TLS negotiation now.\r\n${this.fake.options.afterStls ?? ''}`,
        after: upgrade,
      };
    }
    return { data: '-ERR not allowed now\r\n' };
  }

  private saslStep(line: string): string {
    const step = this.sasl;
    this.sasl = null;
    if (step === 'challenge') return '-ERR [AUTH] Authentication failed.\r\n';
    const fields = Buffer.from(line, 'base64').toString('utf8').split('\x01');
    const user =
      step === 'XOAUTH2'
        ? fields.find((f) => f.startsWith('user='))?.slice(5)
        : /^n,a=([^,]*),/
            .exec(fields[0] ?? '')?.[1]
            ?.replace(/=2C/g, ',')
            .replace(/=3D/g, '=');
    const token = fields.find((f) => f.startsWith('auth=Bearer '))?.slice('auth=Bearer '.length);
    if (user && token && this.fake.options.tokens?.[token] === user) {
      this.drop = [...this.fake.mailbox];
      return '+OK signed in\r\n';
    }
    // As Google and dovecot do: a base64 JSON error as a challenge, which the client must answer.
    this.sasl = 'challenge';
    const error = { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' };
    return `+ ${Buffer.from(JSON.stringify(error)).toString('base64')}\r\n`;
  }

  private quit(): Reply {
    const hangUp = this.fake.options.quit;
    if (hangUp === 'drop') return { data: '', after: () => this.io.destroy() };
    // RFC 1939 §6: the UPDATE state, entered only from TRANSACTION.
    const gone = new Set([...this.deleted].map((n) => this.drop?.[n - 1]));
    this.fake.mailbox = this.fake.mailbox.filter((m) => !gone.has(m));
    if (hangUp === 'apply-and-drop') return { data: '', after: () => this.io.destroy() };
    return { data: '+OK bye\r\n', after: () => this.io.end() };
  }
}

interface Reply {
  data: string | Buffer;
  /** Runs right after the reply's last byte is written. */
  after?: () => void;
}

function ok(rest = ''): Reply {
  return { data: `+OK${rest}\r\n` };
}

function top(body: Buffer, lines: string | undefined): Buffer {
  const text = body.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return body;
  const bodyLines = text
    .slice(split + 4)
    .split('\r\n')
    .slice(0, Number(lines ?? 0));
  return Buffer.from(text.slice(0, split + 4) + bodyLines.join('\r\n'), 'latin1');
}
