import { addressesIn } from './addresses.js';
import { domainOf } from './domains.js';

/**
 * Whom a remote server's reply is about. Its words may say "does not exist" or "unknown" of the
 * sender's own address or domain: "553 sender.example does not exist", or "550 5.7.1
 * <bounce-id@sender.example>... Access denied" under a reporter's "Unknown address error". Such a
 * reply refuses the sender (whose domain or return path the receiving server could not verify), and
 * the recipient's address is not in question.
 */

// Where the reply starts: its first 4xx/5xx reply or enhanced code (the recipient and host an MTA
// prints before it are the reporter's words, not the remote server's). It ends with its line, but
// for the continuation lines of a multi-line reply (`550-5.1.1 ...`), which begin with a code.
const REPLY_START = /(?:^|[\s;:'"(<[#])[45](?:\d\d|\.\d\.\d{1,3})(?=[\s\-'":;,)\]>]|$)/;
const CONTINUATION = /^\s*[45]\d\d[- ]/;
// A host or domain name standing as a word: labels of letters, digits and dashes, an alphabetic TLD.
const DOMAIN_WORD = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}$/;
const EDGE_PUNCTUATION = '<>()[]{}\'"`,;:.!?';
const MAX_REPLY_CHARS = 1_000;
const MAX_LINES = 20;
const MAX_WORDS = 300;

function trimPunctuation(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && EDGE_PUNCTUATION.includes(word[start] as string)) start++;
  while (end > start && EDGE_PUNCTUATION.includes(word[end - 1] as string)) end--;
  return word.slice(start, end);
}

/** A domain and the other are one, or one is a host under the other (`mx.example.net`, `example.net`). */
function sameDomain(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** The remote server's reply in a diagnostic or a bounce's block: from its first code to its line's end. */
function replyIn(text: string): string | undefined {
  const m = REPLY_START.exec(text);
  if (!m) return undefined;
  const lines = text.slice(m.index, m.index + MAX_REPLY_CHARS).split('\n', MAX_LINES);
  let end = 1;
  while (end < lines.length && CONTINUATION.test(lines[end] as string)) end++;
  return lines.slice(0, end).join('\n');
}

/** The addresses and the domain names (outside addresses) a reply names. */
function namedIn(reply: string): { addresses: string[]; domains: string[] } {
  const addresses = addressesIn(reply, 20);
  const domains: string[] = [];
  for (const word of reply.split(/\s+/, MAX_WORDS)) {
    if (word.includes('@')) continue;
    const name = trimPunctuation(word);
    if (DOMAIN_WORD.test(name)) domains.push(name);
  }
  return { addresses, domains };
}

/**
 * Whether the remote server's reply (a text with no reply code has none) names the sender's own address or domain (`senders`: the envelope sender, the
 * original's From, the address the bounce returns to) and names neither the recipient's address nor
 * its domain. Then its verdict is about the sender.
 */
export function namesSenderNotRecipient(
  text: string | undefined,
  recipient: string | undefined,
  senders: readonly string[] | undefined,
): boolean {
  if (!text || !recipient || !senders?.length) return false;
  const reply = replyIn(text);
  if (!reply) return false;
  const { addresses, domains } = namedIn(reply.toLowerCase());
  const own = domainOf(recipient);
  const names = [...addresses.map(domainOf), ...domains];
  if (addresses.includes(recipient) || names.some((d) => sameDomain(d, own))) return false;
  const theirs = senders.filter((s) => s !== recipient);
  const senderDomains = theirs.map(domainOf).filter((d) => !sameDomain(d, own));
  return (
    addresses.some((a) => theirs.includes(a)) ||
    domains.some((d) => senderDomains.some((s) => sameDomain(d, s)))
  );
}
