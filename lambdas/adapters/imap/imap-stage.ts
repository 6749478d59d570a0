import type { ImapFlow } from 'imapflow';
import type { MailboxStage } from '../../core/mailbox/mailbox-error.js';
import type { MailboxErrorCode } from '../../core/mailbox/ports.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRNOTAVAIL',
  'CONNECT_TIMEOUT',
]);
const TLS_CODE =
  /CERT|SELF_SIGNED|UNABLE_TO|^ERR_(TLS|SSL)|^UPGRADE_TIMEOUT$|^STARTTLS_INJECTION$|^ClosedAfterConnectTLS$/;

export interface ImapErrorFields {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  oauthError?: { status?: unknown } | false;
}

/**
 * Where imapflow's `connect()` failed, from its error and how far the session got: the codes of
 * node and imapflow first, then whether the greeting had arrived (then it was the sign-in).
 */
export function imapConnectStage(error: unknown, client: ImapFlow): MailboxStage {
  const e = (error ?? {}) as ImapErrorFields;
  const code = e.code ?? '';
  if (DNS_CODES.has(code)) return 'dns';
  if (e.authenticationFailed) return 'auth';
  if (e.tlsFailed || TLS_CODE.test(code)) return 'tls';
  if (code === 'GREETING_TIMEOUT' || code === 'ClosedAfterConnectText') return 'greeting';
  const greeted = (client as unknown as { greetingReceived?: boolean }).greetingReceived === true;
  if (greeted) return 'auth';
  if (CONNECT_CODES.has(code) || !client.connectedAt) return 'connect';
  return 'greeting';
}

const LOST_CODES = new Set(['NoConnection', 'EConnectionClosed', 'EPIPE', ...CONNECT_CODES]);
const SILENT_CODES = new Set(['ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/**
 * Why an imapflow error happened, as the POP3 adapter's codes say it (for the scan's failure kind):
 * the server's silence, a lost connection, TLS, a refused sign-in, a command the server answered NO or
 * BAD, or a reply it should not have sent. Empty when none fits.
 */
export function imapErrorCode(error: unknown): { code?: MailboxErrorCode } {
  const e = (error ?? {}) as ImapErrorFields & { responseStatus?: string };
  const code = e.code ?? '';
  if (SILENT_CODES.has(code)) return { code: 'timeout' };
  if (e.authenticationFailed) return { code: 'auth' };
  if (e.tlsFailed || TLS_CODE.test(code)) return { code: 'tls' };
  if (LOST_CODES.has(code) || DNS_CODES.has(code)) return { code: 'connection' };
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') return { code: 'server' };
  if (/^(ParserError|UnexpectedTag|MissingTag|InvalidResponse)/.test(code)) return { code: 'protocol' };
  return {};
}

/** imapflow's message plus what the server said, with the secrets of the sign-in removed. */
export function imapErrorMessage(error: unknown, secrets: readonly string[]): string {
  const e = (error ?? {}) as ImapErrorFields & { message?: string };
  const parts = [e.message ?? 'IMAP failed'];
  if (e.responseText && !parts[0]?.includes(e.responseText)) parts.push(e.responseText);
  const status =
    e.oauthError && e.oauthError.status !== undefined
      ? ` (status ${String(e.oauthError.status).slice(0, 40)})`
      : '';
  const text = `${parts.join(': ')}${status}`;
  const clean = secrets.filter(Boolean).reduce((out, s) => out.split(s).join('***'), text);
  return clean.length > 300 ? `${clean.slice(0, 300)}...` : clean;
}
