import { ValidationError } from '../errors.js';

// A bare RFC 5321 mailbox: a dot-atom local part (or a quoted one) at a domain of LDH labels or an
// address literal. Display names, comments and routes are refused: a bounce names one recipient.
const LOCAL_DOT_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LOCAL_QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LDH = /^[a-z0-9-]+$/i;
const ADDRESS_LITERAL = /^\[(\d{1,3}(\.\d{1,3}){3}|ipv6:[0-9a-f:.]+)\]$/;
const QUOTED_PAIR = /\\([\x20-\x7e])/g;
const NEEDS_ESCAPE = /["\\]/g;
const MAX_EMAIL_LENGTH = 254;

/** A DNS label of letters, digits and inner hyphens, at most 63 long (RFC 1035 §2.3.1). */
export function isLdhLabel(label: string): boolean {
  return label.length <= 63 && LDH.test(label) && !label.startsWith('-') && !label.endsWith('-');
}

/**
 * The one spelling of a local part. RFC 5321 §4.1.2 makes a quoted string and the dot-atom with the
 * same content the same mailbox, and a quoted-pair `\x` the character `x`: `"tomb"` is `tomb`, and
 * `"t\omb"` is too. A quoted string whose content needs the quotes keeps them, with only `"` and `\`
 * escaped. Undefined when the local part is neither form.
 */
function canonicalLocal(local: string): string | undefined {
  if (LOCAL_DOT_ATOM.test(local)) return local;
  if (!LOCAL_QUOTED.test(local)) return undefined;
  const content = local.slice(1, -1).replace(QUOTED_PAIR, '$1');
  if (LOCAL_DOT_ATOM.test(content)) return content;
  return `"${content.replace(NEEDS_ESCAPE, '\\$&')}"`;
}

/**
 * Trims and lower-cases an address, writes its local part in one spelling and checks it is a bare
 * mailbox. Lower-casing the local part is what every mail system here does in practice (and what
 * listmonk stores); with the one spelling, every way of writing an address has one key, so subscriber
 * records, tombstones and imports all agree on it.
 */
export function normaliseEmail(raw: string, field = 'email'): string {
  const trimmed = raw.trim().toLowerCase();
  if (trimmed.length === 0) throw new ValidationError(field, 'must not be empty');
  if (trimmed.length > MAX_EMAIL_LENGTH)
    throw new ValidationError(field, `is longer than ${MAX_EMAIL_LENGTH} characters`);
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) throw new ValidationError(field, 'is not an e-mail address');
  const local = canonicalLocal(trimmed.slice(0, at));
  const domain = trimmed.slice(at + 1);
  const domainOk =
    ADDRESS_LITERAL.test(domain) || (domain.includes('.') && domain.split('.').every(isLdhLabel));
  if (local === undefined || local.length > 64 || !domainOk)
    throw new ValidationError(field, 'is not an e-mail address');
  return `${local}@${domain}`;
}
