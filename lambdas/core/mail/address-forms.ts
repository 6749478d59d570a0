import { addressesIn } from './addresses.js';

/**
 * Recipients a report names in a form other than a whole Internet address, and how each is turned
 * into one. A report may name the failed recipient
 * - by an Internet address: `rfc822; ann@example.com`;
 * - by its local part alone, as a local delivery agent knows it: `rfc822; ann`, `<ann>... User unknown`;
 * - by an Exchange address: `IMCEASMTP-ann+40example+2Ecom@corp.local` wraps an Internet address
 *   (`+XX` is a hex-escaped character), `IMCEAEX-_O=CORP_OU=..._CN=RECIPIENTS_CN=ANN@corp.local` an
 *   Exchange directory name whose last CN is the mailbox's alias;
 * - by an X.400 address (RFC 3464's `x400;` address type, or RFC 2156's `/G=Ann/S=Lee/@gateway`):
 *   attributes such as S (surname) and G (given name), no Internet address at all.
 * The last three are qualified from the returned original's own recipients (its To, Cc, and the
 * `for <...>` of its Received fields) only when that is unambiguous: exactly one of them matches.
 */
export type ReportedAddress =
  | { kind: 'address'; email: string }
  | { kind: 'local'; local: string }
  | { kind: 'names'; given?: string; surname: string };

const TYPE_PREFIX = /^\s*([a-z0-9-]{1,20})\s*;\s*/i;
const LOCAL_ONLY = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/i;

/** `+XX` hex escapes of Exchange's IMCEA encapsulation (and `_` for `/` in its directory names). */
function unescapeImcea(text: string): string {
  return text.replace(/\+([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** X.400 attributes (`/S=Lee/G=Ann/` or `s=Lee;g=Ann;`) by lower-cased key. */
function x400Attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(/[/;]/, 40)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const value = part.slice(eq + 1).trim();
    if (value) out.set(part.slice(0, eq).trim().toLowerCase(), value.toLowerCase());
  }
  return out;
}

function fromX400(text: string): ReportedAddress | undefined {
  const attributes = x400Attributes(text);
  const surname = attributes.get('s') ?? attributes.get('surname');
  if (surname) return { kind: 'names', given: attributes.get('g') ?? attributes.get('given'), surname };
  const common = attributes.get('cn');
  return common && LOCAL_ONLY.test(common) ? { kind: 'local', local: common } : undefined;
}

function fromExchange(value: string): ReportedAddress | undefined {
  const m = /^imcea([a-z0-9]{1,10})-([^@]{1,900})@[^@]{1,253}$/i.exec(value);
  if (!m) return undefined;
  const type = (m[1] as string).toLowerCase();
  const inner = unescapeImcea(m[2] as string);
  if (type === 'smtp') {
    const email = addressesIn(inner, 1)[0];
    return email ? { kind: 'address', email } : undefined;
  }
  if (type === 'ex') {
    const names = inner.replace(/_/g, '/').split('/');
    for (let i = names.length - 1; i >= 0; i--) {
      const m2 = /^cn=(.{1,64})$/i.exec((names[i] as string).trim());
      const alias = m2?.[1]?.trim().toLowerCase();
      if (alias && alias !== 'recipients' && LOCAL_ONLY.test(alias)) return { kind: 'local', local: alias };
    }
    return undefined;
  }
  return type === 'x400' ? fromX400(inner) : undefined;
}

/** What a report's recipient field, or a bracketed name in its text, says the recipient is. */
export function reportedAddress(raw: string | undefined): ReportedAddress | undefined {
  if (!raw) return undefined;
  const typed = TYPE_PREFIX.exec(raw);
  const type = typed?.[1]?.toLowerCase();
  const value = (typed ? raw.slice(typed[0].length) : raw).trim().replace(/^<|>$/g, '').trim();
  if (!value) return undefined;
  if (type === 'x400' || type === 'x-x400') return fromX400(value);
  const exchange = fromExchange(value);
  if (exchange) return exchange;
  // RFC 2156 carries an X.400 address in an Internet one: `/G=Ann/S=Lee/O=Corp/@gateway.example`.
  if (value.startsWith('/') && value.includes('=')) return fromX400(value.slice(0, value.lastIndexOf('@')));
  const email = addressesIn(value, 1)[0];
  if (email) return { kind: 'address', email };
  return LOCAL_ONLY.test(value) && !value.includes('@')
    ? { kind: 'local', local: value.toLowerCase() }
    : undefined;
}

function localOf(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

function words(local: string): string[] {
  return local.split(/[._+-]/).filter(Boolean);
}

/** The one address among the original's recipients that the reported form names, if exactly one does. */
export function qualify(
  reported: ReportedAddress,
  originalRecipients: readonly string[],
): string | undefined {
  if (reported.kind === 'address') return reported.email;
  let matches: string[];
  if (reported.kind === 'local') {
    matches = originalRecipients.filter((email) => localOf(email) === reported.local);
  } else {
    matches = originalRecipients.filter((email) => {
      const parts = words(localOf(email));
      const local = localOf(email);
      const surname = parts.includes(reported.surname) || local.endsWith(reported.surname);
      const given =
        !reported.given || parts.includes(reported.given) || local.startsWith(reported.given[0] as string);
      return surname && given;
    });
  }
  const unique = [...new Set(matches)];
  return unique.length === 1 ? unique[0] : undefined;
}
