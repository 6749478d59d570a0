import { normaliseEmail } from '../subscribers/email.js';
import { trimEndOf, trimStartOf } from './trim.js';

const LOCAL_CHAR = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]/i;
const DOMAIN_CHAR = /[a-z0-9.-]/i;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/**
 * Every mailbox in a text, in order, lower-cased and de-duplicated. It grows each address outwards
 * from an `@` within RFC 5321 lengths instead of running a pattern over the text, so the cost stays
 * linear in the text whatever it holds (a pattern with nested repetition is quadratic on long runs).
 */
export function addressesIn(text: string, max = 200): string[] {
  const found: string[] = [];
  let at = text.indexOf('@');
  let scanned = 0;
  while (at >= 0 && found.length < max && scanned < 10_000) {
    scanned++;
    const quoted = quotedLocalStart(text, at);
    let start = quoted ?? at;
    while (
      quoted === undefined &&
      start > 0 &&
      at - start < MAX_LOCAL &&
      LOCAL_CHAR.test(text[start - 1] as string)
    )
      start--;
    let end = at + 1;
    // A domain has no empty label: `..` ends it (`a@b.example...User unknown`).
    while (
      end < text.length &&
      end - at <= MAX_DOMAIN &&
      DOMAIN_CHAR.test(text[end] as string) &&
      !(text[end] === '.' && text[end + 1] === '.')
    )
      end++;
    const address = clean(text.slice(start, at), text.slice(at + 1, end));
    if (address && !found.includes(address)) found.push(address);
    at = text.indexOf('@', at + 1);
  }
  return found;
}

/** Where a quoted local part (`"john..doe"@example.com`, RFC 5321 §4.1.2) before `at` opens, if one does. */
function quotedLocalStart(text: string, at: number): number | undefined {
  if (text[at - 1] !== '"') return undefined;
  for (let i = at - 2; i >= 0 && at - i <= MAX_LOCAL; i--) {
    const c = text[i];
    if (c === '\n' || c === '\r') return undefined;
    if (c === '"' && text[i - 1] !== '\\') return i;
  }
  return undefined;
}

/** The first mailbox in a field value (`rfc822; <Ann@Example.com>`), lower-cased, or undefined. */
export function addressIn(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return addressesIn(value.replace(/^\s*[a-z0-9-]+\s*;/i, ''), 1)[0];
}

function clean(rawLocal: string, rawDomain: string): string | undefined {
  // Quotes, dots and dashes at the edges belong to the surrounding prose, not to the address.
  const local = rawLocal.startsWith('"') ? rawLocal : rawLocal.replace(/^[.'`{|}~=-]+/, '');
  const domain = trimEndOf(trimStartOf(rawDomain, '.-'), '.-');
  if (!local || !domain.includes('.')) return undefined;
  try {
    return normaliseEmail(`${local}@${domain}`);
  } catch {
    return undefined;
  }
}
