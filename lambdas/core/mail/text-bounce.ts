import { qualify } from './address-forms.js';
import { addressesIn } from './addresses.js';
import { anyOf } from './phrases.js';
import { trimEndOf, trimStartOf } from './trim.js';

/**
 * Failed recipients of a bounce that has no RFC 3464 report, read from the MTA's own words. The
 * rules follow how the MTAs' documented templates lay a recipient out, not any one sample:
 * - the address opens its line, perhaps bracketed, quoted, bulleted or labelled (`<a@b>:` qmail and
 *   Postfix, `  a@b` Exim and Gmail, `a@b on <date>` Exchange, `>>> a@b` Sendmail, `To: a@b`);
 * - an SMTP transcript names it (`RCPT TO:<a@b>`);
 * - a phrase points at it (`delivering your mail to <a@b>`, `recipient a@b`, `user a@b`).
 * Each recipient's block runs from its line to the next recipient's, so its diagnostic is its own.
 * Lines of a quoted header block (the returned message's `To:`, `Cc:`, `From:` among its other
 * fields) are the original's, not the report's: they never name a failed recipient.
 */
export interface TextRecipient {
  email: string;
  /** The lines about this recipient (its diagnostic), or the whole report when they cannot be told apart. */
  block: string;
}

/**
 * Addresses that are not failed recipients. `parties` (the bounce's own From, To and Cc, the
 * envelope sender the report names) never are; `originalSenders` (the returned message's From,
 * Sender, Reply-To) are not unless the report names one in a recipient's place, as a bounce of a
 * message whose sender wrote to themself, or forged its From, does.
 */
export interface SenderSide {
  parties: ReadonlySet<string>;
  originalSenders: ReadonlySet<string>;
}

// Decoration that may open a recipient's line: indentation, quote marks, bullets, brackets.
const DECORATION = ' \t>*-•·"\'([<|';
const OPENING = ' \t<"\'([';
const LABEL_CHAR = /[a-z0-9 _()-]/i;
const LIST_NUMBER = /^\d{1,3}[.)]\s*$/;
// An SMTP reply before the address (Sendmail's `554 <a@b>...`), perhaps with its enhanced code.
const REPLY_PREFIX = /^[245]\d\d(?:[ -]{1,3}[245]\.\d{1,3}\.\d{1,3})?[ -]{0,3}$/;

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
// Words that point at the address after them (`delivering your mail to <a@b>`, `user a@b`).
const POINTING_WORDS = [
  'to',
  'for',
  'recipient',
  'recipients',
  'address',
  'addressee',
  'user',
  'mailbox',
  'account',
  'destination',
  'destinatario',
  'destinataire',
  'empfänger',
];
// A local delivery agent's line about a local part alone: Sendmail's `<ann>... User unknown`,
// `<ann>: unknown user`.
const BRACKETED_LOCAL = /^[ \t>]{0,20}<([a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64})>(?:\.\.\.|:)/i;
// Role accounts named in help text ("contact postmaster@...") are not recipients unless a line is theirs.
const ROLE = /^(postmaster|abuse|hostmaster|webmaster|mailer-daemon|help|support|noreply|no-reply|security)@/;

// Field names of a message header, as a quoted copy of the returned message shows them.
const HEADER_NAME = anyOf(
  [
    'from',
    'to',
    'cc',
    'bcc',
    'subject',
    'date',
    'sent',
    'message-id',
    'reply-to',
    'return-path',
    'received',
    'mime-version',
    'content-type',
    'content-transfer-encoding',
    'sender',
    'in-reply-to',
    'references',
    'delivered-to',
    'x-[a-z0-9-]{1,40}',
  ],
  { before: '^', after: ' ?:', flags: 'i' },
);
// Fields that name addressees: in a header block they are the original's recipients.
const ADDRESSEE_FIELD = /^(?:to|cc|bcc) ?:/i;

type Strength = 'line' | 'phrase';

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The line without its indentation and quote marks (`> `), as a quoted header line stands. */
function unquoted(line: string): string {
  return trimStartOf(line, ' \t>');
}

/**
 * Whether each line belongs to a quoted header block: two or more header fields in a row, one of
 * them not an addressee field (a report's own `To: a@b` line stands alone or among report words).
 */
function headerBlockLines(lines: readonly string[]): boolean[] {
  const flags = new Array<boolean>(lines.length).fill(false);
  let start = 0;
  while (start < lines.length) {
    if (!HEADER_NAME.test(unquoted(lines[start] as string))) {
      start++;
      continue;
    }
    let end = start;
    let other = false;
    const fieldIndent = indentOf(lines[start] as string);
    for (; end < lines.length; end++) {
      const line = lines[end] as string;
      const field = unquoted(line);
      // Folding (RFC 5322 §2.2.3) indents a continuation deeper than the fields of its block.
      const folded = end > start && indentOf(line) > fieldIndent && !HEADER_NAME.test(field);
      if (!HEADER_NAME.test(field) && !folded) break;
      if (HEADER_NAME.test(field) && !ADDRESSEE_FIELD.test(field)) other = true;
    }
    const fields = lines.slice(start, end).filter((l) => HEADER_NAME.test(unquoted(l))).length;
    if (fields >= 2 && other) for (let i = start; i < end; i++) flags[i] = true;
    start = Math.max(end, start + 1);
  }
  return flags;
}

/**
 * Whether what stands before an address on its line puts the address in a recipient's place:
 * decoration, then a list number or an SMTP reply code, then a short label ending in ':', then an
 * address type (`rfc822;`), then opening brackets. Peeled off piece by piece, no pattern over the line.
 */
function opensLine(prefix: string): { label: string } | undefined {
  if (prefix.length > 80) return undefined;
  let rest = trimEndOf(prefix, OPENING);
  if (rest.endsWith(';')) {
    const type = trimEndOf(rest.slice(0, -1), ' \t');
    if (!type.toLowerCase().endsWith('rfc822')) return undefined;
    rest = trimEndOf(type.slice(0, -6), ' \t');
  }
  let label = '';
  if (rest.endsWith(':')) {
    const head = trimEndOf(rest.slice(0, -1), ' \t');
    let start = head.length;
    while (start > 0 && head.length - start < 41 && LABEL_CHAR.test(head[start - 1] as string)) start--;
    while (start < head.length && !/[a-z]/i.test(head[start] as string)) start++;
    if (start >= head.length) return undefined;
    label = head.slice(start);
    rest = head.slice(0, start);
  }
  const lead = trimStartOf(rest, DECORATION);
  if (lead && !LIST_NUMBER.test(lead) && !REPLY_PREFIX.test(lead)) return undefined;
  return { label };
}

/** Whether the text before an address ends in a word that points at it (`mail to <`, `user `). */
function pointsAt(near: string): boolean {
  let rest = trimEndOf(near, OPENING);
  if (rest.endsWith(':')) rest = trimEndOf(rest.slice(0, -1), ' \t');
  const lower = rest.toLowerCase();
  return POINTING_WORDS.some((word) => {
    if (!lower.endsWith(word)) return false;
    const before = lower[lower.length - word.length - 1];
    return before === undefined || !/[\p{L}\p{N}_]/u.test(before);
  });
}

function strength(line: string, address: string): Strength | undefined {
  const at = line.toLowerCase().indexOf(address);
  if (at < 0) return undefined;
  const prefix = line.slice(0, at);
  const opened = opensLine(prefix);
  if (opened) return SENDER_LABEL.test(opened.label) || SENDER_LABEL.test(prefix) ? undefined : 'line';
  const near = prefix.slice(-60);
  if (pointsAt(near) && !SENDER_LABEL.test(near.slice(-25)) && !ROLE.test(address)) return 'phrase';
  return undefined;
}

/**
 * The addresses of a line, each with the text before it. In `a@b <c@d>` (RFC 5322 name-addr) the
 * bracketed mailbox is the address and what precedes it a display name, which is not part of the
 * line's prefix.
 */
function candidates(line: string): { address: string; prefix: string }[] {
  const found = addressesIn(line, 10);
  const lower = line.toLowerCase();
  const out = found.map((address) => {
    const bracketed = lower.indexOf(`<${address}>`);
    if (bracketed < 0 || found.length < 2) return { address, bracketed: false, line };
    // The display name before `<c@d>`: a quoted string, or words up to the previous decoration.
    const before = line.slice(0, bracketed);
    const name = before.trimEnd();
    const nameStart = name.endsWith('"') ? name.lastIndexOf('"', name.length - 2) : name.lastIndexOf(' ') + 1;
    const stripped = `${line.slice(0, Math.max(0, nameStart))}${line.slice(bracketed)}`;
    return { address, bracketed: true, line: stripped };
  });
  const ordered = [...out.filter((c) => c.bracketed), ...out.filter((c) => !c.bracketed)];
  return ordered.map((c) => ({ address: c.address, prefix: c.line }));
}

/** The addresses a line names, and a local part alone qualified from the original's recipients. */
function lineCandidates(
  line: string,
  originalRecipients: readonly string[],
): { address: string; prefix: string }[] {
  if (line.includes('@')) return candidates(line);
  const local = BRACKETED_LOCAL.exec(line)?.[1];
  const address = local
    ? qualify({ kind: 'local', local: local.toLowerCase() }, originalRecipients)
    : undefined;
  return address ? [{ address, prefix: line.replace(`<${local}>`, `<${address}>`) }] : [];
}

function lineRecipients(
  lines: readonly string[],
  sender: SenderSide,
  maxRecipients: number,
  originalRecipients: readonly string[],
): TextRecipient[] {
  const blocks = new Map<string, string[]>();
  const order: string[] = [];
  const quoted = headerBlockLines(lines);
  let current: string | undefined;
  // Indentation of a recipient line that carries its own reason (`554 <a@b>... Host unknown`): only
  // lines indented deeper continue it; otherwise the block runs to the next recipient.
  let ownIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    let opened = false;
    if (!quoted[i]) {
      for (const { address, prefix: text } of lineCandidates(line, originalRecipients)) {
        if (sender.parties.has(address)) continue;
        const kind = strength(text, address);
        if (!kind || (kind !== 'line' && sender.originalSenders.has(address))) continue;
        if (!blocks.has(address)) {
          if (order.length >= maxRecipients) break;
          blocks.set(address, []);
          order.push(address);
        }
        current = address;
        opened = true;
        const rest = trimStartOf(
          line.slice(line.toLowerCase().lastIndexOf(address) + address.length),
          ' \t>:.,;)]',
        );
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
 * The failed recipients a text names. `ownTo` is the bounce's own recipient, allowed back only when
 * nothing else stands in a recipient's place (a message its sender addressed to themself).
 */
export function textRecipients(
  lines: readonly string[],
  sender: SenderSide,
  maxRecipients: number,
  ownTo: readonly string[] = [],
  originalRecipients: readonly string[] = [],
): TextRecipient[] {
  const found = lineRecipients(lines, sender, maxRecipients, originalRecipients);
  if (found.length) return found;
  if (ownTo.length) {
    const relaxed = { ...sender, parties: new Set([...sender.parties].filter((a) => !ownTo.includes(a))) };
    const own = lineRecipients(lines, relaxed, maxRecipients, originalRecipients).filter((r) =>
      ownTo.includes(r.email),
    );
    if (own.length) return own;
  }

  // No address in a recipient's place: any address the MTA wrote outside a quoted header block
  // that is not the sender's or a role's.
  const quoted = headerBlockLines(lines);
  const all = lines.join('\n');
  const own = lines.filter((_, i) => !quoted[i]).join('\n');
  return addressesIn(own, maxRecipients * 2)
    .filter((a) => !sender.parties.has(a) && !sender.originalSenders.has(a) && !ROLE.test(a))
    .slice(0, maxRecipients)
    .map((email) => ({ email, block: all }));
}
