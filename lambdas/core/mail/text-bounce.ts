import { addressesIn } from './addresses.js';
import { anyOf } from './phrases.js';

/**
 * Failed recipients of a bounce that has no RFC 3464 report, read from the MTA's own words. The
 * rules follow how the MTAs' documented templates lay a recipient out, not any one sample:
 * - the address opens its line, perhaps bracketed, quoted, bulleted or labelled (`<a@b>:` qmail and
 *   Postfix, `  a@b` Exim and Gmail, `a@b on <date>` Exchange, `>>> a@b` Sendmail, `To: a@b`);
 * - an SMTP transcript names it (`RCPT TO:<a@b>`);
 * - a phrase points at it (`delivering your mail to <a@b>`, `recipient a@b`, `user a@b`).
 * Each recipient's block runs from its line to the next recipient's, so its diagnostic is its own.
 */
export interface TextRecipient {
  email: string;
  /** The lines about this recipient (its diagnostic), or the whole report when they cannot be told apart. */
  block: string;
}

// What may stand before an address that opens its line: decoration, a list number or an SMTP reply
// code (Sendmail's `554 <a@b>...`), a short label ending in ':', an address-type prefix.
// The closing brackets are allowed only after a number, label or prefix: right after the opening
// decoration they are part of it, and two runs that can hold the same characters backtrack.
const NUMBER_OR_CODE = '(?:\\d{1,3}[.)]\\s*|[245]\\d\\d[ -]+(?:[245]\\.\\d{1,3}\\.\\d{1,3}\\s+)?)';
const LABEL = '(?:[a-z][a-z0-9 _()-]{0,40}?\\s*:\\s*)';
const TYPE_PREFIX = '(?:rfc822\\s*;\\s*)';
const LINE_PREFIX = new RegExp(
  [
    '^[\\s>*\\-•·"\'([<|]*',
    `(?:(?:${NUMBER_OR_CODE}${LABEL}?${TYPE_PREFIX}?|${LABEL}${TYPE_PREFIX}?|${TYPE_PREFIX})`,
    '[<"\'([]*)?$',
  ].join(''),
  'i',
);
// Labels of fields that name the sender or the message, never a recipient.
const SENDER_LABEL = anyOf(
  [
    'from',
    'sender',
    'reply',
    'return',
    'errors?-to',
    'envelope',
    'cc',
    'bcc',
    'sent by',
    'originator',
    'message-id',
    'in-reply-to',
    'references',
    'content-id',
  ],
  { before: '\\b', after: '\\b' },
);
// A word that points at the address after it (`delivering your mail to <a@b>`, `user a@b`).
const POINTING_WORD = anyOf(
  [
    'to',
    'for',
    'recipients?',
    'address(?:ee)?',
    'user',
    'mailbox',
    'account',
    'rcpt to',
    'destination',
    'destinatario',
    'destinataire',
    'empfänger',
  ],
  // Whitespace after the brackets only when there are brackets: two runs that can hold the same
  // whitespace make the search quadratic.
  { before: '\\b', after: '\\s*(?::\\s*)?(?:[<"\'([]+\\s*)?$' },
);
// Role accounts named in help text ("contact postmaster@...") are not recipients unless a line is theirs.
const ROLE = /^(postmaster|abuse|hostmaster|webmaster|mailer-daemon|help|support|noreply|no-reply|security)@/;

type Strength = 'line' | 'phrase';

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function strength(line: string, address: string): Strength | undefined {
  const at = line.toLowerCase().indexOf(address);
  if (at < 0) return undefined;
  const prefix = line.slice(0, at);
  if (prefix.length <= 80 && LINE_PREFIX.test(prefix)) return SENDER_LABEL.test(prefix) ? undefined : 'line';
  const near = prefix.slice(-60);
  if (POINTING_WORD.test(near) && !SENDER_LABEL.test(near.slice(-25)) && !ROLE.test(address)) return 'phrase';
  return undefined;
}

/** In `a@b <c@d>` (RFC 5322 name-addr) the bracketed mailbox is the address; the rest is a display name. */
function candidates(line: string): string[] {
  const found = addressesIn(line, 10);
  if (found.length < 2) return found;
  const bracketed = found.filter((a) => line.toLowerCase().includes(`<${a}>`));
  return bracketed.length ? [...bracketed, ...found.filter((a) => !bracketed.includes(a))] : found;
}

function lineRecipients(
  lines: readonly string[],
  exclude: ReadonlySet<string>,
  maxRecipients: number,
): TextRecipient[] {
  const blocks = new Map<string, string[]>();
  const order: string[] = [];
  let current: string | undefined;
  // Indentation of a recipient line that carries its own reason (`554 <a@b>... Host unknown`): only
  // lines indented deeper continue it; otherwise the block runs to the next recipient.
  let ownIndent: number | undefined;
  for (const line of lines) {
    let opened = false;
    if (line.includes('@')) {
      for (const address of candidates(line)) {
        if (exclude.has(address) || !strength(line, address)) continue;
        if (!blocks.has(address)) {
          if (order.length >= maxRecipients) break;
          blocks.set(address, []);
          order.push(address);
        }
        current = address;
        opened = true;
        const rest = line
          .slice(line.toLowerCase().lastIndexOf(address) + address.length)
          .replace(/^[\s>:.,;)\]]+/, '');
        ownIndent = rest.length >= 8 ? indentOf(line) : undefined;
        break;
      }
    }
    if (!opened && ownIndent !== undefined && (line.trim() === '' || indentOf(line) <= ownIndent)) {
      current = undefined;
      ownIndent = undefined;
    }
    if (current) blocks.get(current)?.push(line);
  }
  return order.map((email) => ({ email, block: (blocks.get(email) ?? []).join('\n') }));
}

/**
 * `exclude` holds the sender's addresses; `ownTo` is the bounce's own recipient, allowed back only
 * when nothing else stands in a recipient's place (a message its sender addressed to themself).
 */
export function textRecipients(
  lines: readonly string[],
  exclude: ReadonlySet<string>,
  maxRecipients: number,
  ownTo: readonly string[] = [],
): TextRecipient[] {
  const found = lineRecipients(lines, exclude, maxRecipients);
  if (found.length) return found;
  if (ownTo.length) {
    const relaxed = new Set([...exclude].filter((a) => !ownTo.includes(a)));
    const own = lineRecipients(lines, relaxed, maxRecipients).filter((r) => ownTo.includes(r.email));
    if (own.length) return own;
  }

  // No address in a recipient's place: any address the MTA wrote that is not the sender's or a role's.
  const all = lines.join('\n');
  return addressesIn(all, maxRecipients * 2)
    .filter((a) => !exclude.has(a) && !ROLE.test(a))
    .slice(0, maxRecipients)
    .map((email) => ({ email, block: all }));
}
