import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type {
  ConnectionStage,
  ConnectionTestResult,
  MailboxTester,
} from '../../core/mailbox/connection-test.js';
import type { MailboxConnection } from '../../core/mailbox/ports.js';
import { Pop3Error } from './errors.js';
import { Pop3Client } from './pop3-client.js';

export interface Pop3TesterOptions {
  /** The whole test ends within this (default 15 s): an answer while the person waits. */
  timeLimitMs?: number;
  /** Extra trusted CA certificates and the name to verify (tests, private CAs). */
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
  /** Resolves the host name (tests keep it on loopback). */
  resolve?: (host: string) => Promise<unknown>;
}

function failed(stage: ConnectionStage, error: unknown): ConnectionTestResult {
  // Pop3Error messages never hold the password (the client redacts what the server echoes).
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, stage, message };
}

/** The stage a failure of connect (TCP, TLS, greeting, STLS) belongs to. */
function connectStage(error: unknown): ConnectionStage {
  if (!(error instanceof Pop3Error)) return 'connect';
  if (error.code === 'tls') return 'tls';
  if (error.command === 'greeting') return 'greeting';
  // The client's errors name the step in their text only: a timeout while connecting says
  // "connecting to" or "TLS handshake with"; one after the connection stood, "reply to greeting".
  if (error.code === 'timeout') {
    if (/reply to greeting\b/.test(error.message)) return 'greeting';
    if (/^TLS handshake\b/.test(error.message)) return 'tls';
  }
  // Connected, then hung up before greeting.
  if (error.code === 'connection' && /closed the connection/.test(error.message)) return 'greeting';
  return 'connect';
}

/**
 * The POP3 connection test: resolve the host, connect (TLS as configured), read the greeting, log
 * in, STAT, UIDL, QUIT. It never sends RETR, TOP or DELE, so nothing on the server changes.
 */
export class Pop3ConnectionTester implements MailboxTester {
  constructor(private readonly options: Pop3TesterOptions = {}) {}

  async test(mailbox: MailboxConnection): Promise<ConnectionTestResult> {
    const deadlineAt = Date.now() + (this.options.timeLimitMs ?? 15_000);
    if (!isIP(mailbox.host)) {
      try {
        await (this.options.resolve ?? lookup)(mailbox.host);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'lookup failed';
        return failed('dns', new Error(`cannot resolve ${mailbox.host}: ${code}`));
      }
    }
    let client: Pop3Client;
    try {
      client = await Pop3Client.connect({
        host: mailbox.host,
        port: mailbox.port,
        tls: mailbox.tls,
        tlsSkipVerify: mailbox.tls_skip_verify,
        ca: this.options.ca,
        servername: this.options.servername,
        deadlineAt,
      });
    } catch (error) {
      return failed(connectStage(error), error);
    }
    try {
      if (mailbox.auth_protocol !== 'none') {
        try {
          await client.login(mailbox.username, mailbox.password);
        } catch (error) {
          return failed('auth', error);
        }
      }
      let count: number;
      let size: number;
      let listed: number;
      try {
        ({ count, size } = await client.stat());
        listed = (await client.uidl()).length;
      } catch (error) {
        return failed('folder', error);
      }
      await client.quit().catch(() => undefined);
      const tls = mailbox.tls === 'none' ? 'without TLS' : `TLS ${mailbox.tls}`;
      return {
        ok: true,
        stage: null,
        message: `logged in to ${mailbox.host}:${mailbox.port} (${tls}); ${count} messages, ${size} bytes; UIDL lists ${listed}`,
      };
    } finally {
      client.close();
    }
  }
}
