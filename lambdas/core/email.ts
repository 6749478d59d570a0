import { ValidationError } from './errors.js';

// A bare RFC 5321 mailbox: a dot-atom local part (or a quoted one) at a domain of LDH labels or an
// address literal. Display names, comments and routes are refused: a bounce names one recipient.
const LOCAL_DOT_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LOCAL_QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const ADDRESS_LITERAL = /^\[(\d{1,3}(\.\d{1,3}){3}|ipv6:[0-9a-f:.]+)\]$/;
const MAX_EMAIL_LENGTH = 254;

/**
 * Trims and lower-cases an address and checks it is a bare mailbox. Lower-casing the local part is
 * what every mail system here does in practice (and what listmonk stores), so one address has one key.
 */
export function normaliseEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (email.length === 0) throw new ValidationError(field, 'must not be empty');
  if (email.length > MAX_EMAIL_LENGTH)
    throw new ValidationError(field, `is longer than ${MAX_EMAIL_LENGTH} characters`);
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) throw new ValidationError(field, 'is not an e-mail address');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const localOk = local.length <= 64 && (LOCAL_DOT_ATOM.test(local) || LOCAL_QUOTED.test(local));
  const domainOk =
    ADDRESS_LITERAL.test(domain) ||
    (domain.includes('.') && domain.split('.').every((label) => DOMAIN_LABEL.test(label)));
  if (!localOk || !domainOk) throw new ValidationError(field, 'is not an e-mail address');
  return email;
}
