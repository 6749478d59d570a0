import { Pop3Error } from './errors.js';

export interface Status {
  ok: boolean;
  /** The text after `+OK` / `-ERR`, without the line break. */
  text: string;
  /** RFC 2449 extended response code, e.g. `AUTH`, `IN-USE`, `SYS/TEMP`. */
  code?: string;
}

export interface UidlEntry {
  n: number;
  uid: string;
}

export interface ListEntry {
  n: number;
  size: number;
}

/** Replies to these are refusals of one request; the session stays usable after them. */
const TRANSACTION_VERBS = new Set(['STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'CAPA']);
/** Login refusals that are not about the credentials (RFC 2449 §8, RFC 3206). */
const TEMPORARY_CODE = /^(IN-USE|LOGIN-DELAY|SYS\/TEMP)\b/i;

export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

export function parseStatus(line: Buffer, verb: string, redact: (text: string) => string): Status {
  const text = line.toString('utf8').replace(/\r?\n$/, '');
  if (/^\+OK\b/.test(text)) return { ok: true, text: text.slice(3).trim() };
  if (/^-ERR\b/.test(text)) {
    const rest = text.slice(4).trim();
    return { ok: false, text: rest, code: /^\[([^\]]+)\]/.exec(rest)?.[1] };
  }
  throw new Pop3Error('protocol', `unexpected reply to ${verb}: ${JSON.stringify(clip(redact(text)))}`, {
    command: verb,
  });
}

/** The typed error for a `-ERR` reply; `redact` removes secrets the server might have echoed. */
export function refusal(verb: string, status: Status, redact: (text: string) => string): Pop3Error {
  const serverText = redact(status.text);
  const login = verb === 'USER' || verb === 'PASS';
  const code = verb === 'STLS' ? 'tls' : login && !TEMPORARY_CODE.test(status.code ?? '') ? 'auth' : 'server';
  const message =
    code === 'auth' ? `POP3 login failed: ${clip(serverText)}` : `POP3 ${verb} refused: ${clip(serverText)}`;
  return new Pop3Error(code, message, { command: verb, serverText, responseCode: status.code });
}

export function keepsSession(error: unknown): boolean {
  return error instanceof Pop3Error && error.code === 'server' && TRANSACTION_VERBS.has(error.command ?? '');
}

function bodyLines(body: Buffer): string[] {
  return body
    .toString('latin1')
    .split(/\r?\n/)
    .filter((line) => line !== '');
}

function malformed(verb: string, line: string): Pop3Error {
  return new Pop3Error('protocol', `malformed ${verb} line: ${JSON.stringify(clip(line))}`, {
    command: verb,
  });
}

export function parseUidl(body: Buffer): UidlEntry[] {
  return bodyLines(body).map((line) => {
    // RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E.
    const match = /^(\d+) ([\x21-\x7e]{1,70})\s*$/.exec(line);
    if (!match) throw malformed('UIDL', line);
    return { n: Number(match[1]), uid: match[2] as string };
  });
}

export function parseList(body: Buffer): ListEntry[] {
  return bodyLines(body).map((line) => {
    const match = /^(\d+) (\d+)(?:\s|$)/.exec(line);
    if (!match) throw malformed('LIST', line);
    return { n: Number(match[1]), size: Number(match[2]) };
  });
}

export function parseStat(text: string): { count: number; size: number } {
  const match = /^(\d+) (\d+)(?:\s|$)/.exec(text);
  if (!match) throw malformed('STAT', text);
  return { count: Number(match[1]), size: Number(match[2]) };
}

export function parseCapa(body: Buffer): string[] {
  return bodyLines(body).map((line) => line.trim());
}
