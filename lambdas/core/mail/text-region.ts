/**
 * Splits the human-readable text of a bounce into the MTA's own words and the copy of the returned
 * message that many MTAs append inline (qmail, Exim, Gmail, Yahoo, ...). Addresses in the copy are
 * the sender's and the original recipients', so the failed recipient is looked for before it.
 */
import { anyOf } from './phrases.js';
import { trimEndOf, trimStartOf } from './trim.js';

// The separators MTAs write before the copy, as their documented templates phrase them.
const MARKER = anyOf(
  [
    '(?:below this line is |this is |here is |follows? )?(?:a |the )?copy of ' +
      '(?:the |your |this )?(?:original |returned )?(?:message|mail|e-?mail)',
    '(?:the |your )?original (?:message|mail|e-?mail)',
    'returned (?:message|mail)',
    'unsent message',
    'undelivered message',
    'message headers? follows?',
    '(?:the )?headers? (?:of|from) (?:the |your )?(?:original|returned|undelivered) (?:message|mail)',
    'rfc ?822 (?:message|headers)',
    '(?:the )?text of (?:the |your )?(?:original|returned) message',
    'content of (?:the |your )?(?:original|returned) message',
    'original message (?:headers|text)',
  ],
  { before: '^' },
);
// Decoration before a separator's words, and around what follows them.
const MARKER_LEAD = ' \t-=_*#>|';
const TAIL_DECORATION = ' \t-=_*#:.,;()';
// What may follow the separator's words on its line, once decoration is stripped.
const MARKER_TAIL = anyOf(
  [
    '(?:is |are |as )?(?:follows?|following|below|attached|included|appended)',
    '(?:including|with) (?:all )?(?:the )?headers',
  ],
  { before: '^', after: '$' },
);

// A run of header lines (not DSN fields) opens a copy that came without a separator. Besides the
// RFC 5322 and RFC 6376 fields, the prefixes of Gmail's and Exchange's own trace fields, which head
// the copies they return (X-Google-*: sisimai, php-bounce-handler; X-MS-Exchange-*: sisimai,
// bounce_email, flanker, MailBounceDetector).
const STRONG_HEADER = anyOf(
  [
    'received',
    'return-path',
    'dkim-signature',
    'domainkey-signature',
    'arc-seal',
    'arc-message-signature',
    'authentication-results',
    'delivered-to',
    'x-original-to',
    'message-id',
    'mime-version',
    'x-received',
    'received-spf',
    'x-google-[a-z-]+',
    'x-mailer',
    'x-ms-exchange-[a-z-]+',
  ],
  { before: '^', after: '[ \\t]*:' },
);
const ANY_HEADER = /^[A-Za-z][A-Za-z0-9-]*[ \t]*:|^[ \t]+\S/;

export interface TextRegion {
  /** The MTA's own words: where failed recipients, codes and diagnostics are. */
  report: string;
  /** What follows the separator or the header run: the returned message, header first. */
  returned?: string;
}

function isMarker(line: string): boolean {
  if (line.length > 160) return false;
  const words = trimStartOf(line, MARKER_LEAD);
  const m = MARKER.exec(words);
  if (!m) return false;
  const tail = words.slice(m[0].length);
  const decorated = /[-=_*#]{2}/.test(line);
  // "The original message was received at ..." (Sendmail) opens a sentence, not a separator.
  if (decorated) return !/^\s+(?:was|is|has|had|could|to)\b/i.test(tail);
  const rest = trimEndOf(trimStartOf(tail, TAIL_DECORATION), TAIL_DECORATION);
  return rest === '' || MARKER_TAIL.test(rest);
}

function opensHeaderRun(lines: readonly string[], i: number): boolean {
  if (!STRONG_HEADER.test(lines[i] as string)) return false;
  let run = 0;
  for (let j = i + 1; j < lines.length && j <= i + 6; j++) {
    if (!ANY_HEADER.test(lines[j] as string)) break;
    run++;
  }
  return run >= 2;
}

export function splitTextRegion(lines: readonly string[]): TextRegion {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isMarker(line)) {
      return { report: lines.slice(0, i).join('\n'), returned: lines.slice(i + 1).join('\n') };
    }
    // Some bounces open with header-looking lines of their own; a copy only starts after some prose.
    if (i > 0 && opensHeaderRun(lines, i)) {
      return { report: lines.slice(0, i).join('\n'), returned: lines.slice(i).join('\n') };
    }
  }
  return { report: lines.join('\n') };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const BREAKS = new Set(['br', 'p', 'div', 'tr', 'li', 'table', 'h1', 'h2', 'h3', 'h4', 'pre', 'blockquote']);

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const hex = name[1] === 'x' || name[1] === 'X';
      const code = hex ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Plain text of an HTML-only bounce (Office 365 and others), enough to find addresses and codes. A
 * single forward pass over tags (no backtracking pattern), so hostile markup costs linear time.
 */
export function htmlToPlain(html: string): string {
  const out: string[] = [];
  const lower = html.toLowerCase();
  let pos = 0;
  while (pos < html.length) {
    const open = html.indexOf('<', pos);
    if (open < 0) {
      out.push(html.slice(pos));
      break;
    }
    out.push(html.slice(pos, open));
    const close = html.indexOf('>', open + 1);
    if (close < 0) break;
    const tag = /^\/?\s*([a-z0-9]+)/i
      .exec(html.slice(open + 1, Math.min(close, open + 20)))?.[1]
      ?.toLowerCase();
    pos = close + 1;
    if ((tag === 'script' || tag === 'style' || tag === 'head') && html[open + 1] !== '/') {
      const end = lower.indexOf(`</${tag}`, pos);
      pos = end < 0 ? html.length : end;
    } else if (tag && BREAKS.has(tag)) {
      out.push('\n');
    } else {
      out.push(' ');
    }
  }
  return decodeEntities(out.join(''))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}
