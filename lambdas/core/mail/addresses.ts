import { normaliseEmail } from '../email.js';

// Lenient on purpose: bounce text wraps addresses in <>, quotes, brackets and trailing punctuation.
const ADDRESS = /[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/gi;

/** The bare mailbox in a field value (`rfc822; <Ann@Example.com>`), lower-cased, or undefined. */
export function addressIn(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const stripped = value.replace(/^\s*[a-z0-9-]+\s*;/i, '');
  ADDRESS.lastIndex = 0;
  const m = ADDRESS.exec(stripped);
  return m ? clean(m[0]) : undefined;
}

/** Every mailbox in a text, in order, lower-cased and de-duplicated. */
export function addressesIn(text: string, max = 200): string[] {
  const found: string[] = [];
  ADDRESS.lastIndex = 0;
  for (let m = ADDRESS.exec(text); m && found.length < max; m = ADDRESS.exec(text)) {
    const address = clean(m[0]);
    if (address && !found.includes(address)) found.push(address);
  }
  return found;
}

function clean(raw: string): string | undefined {
  const address = raw.toLowerCase().replace(/^[.'`{|}~-]+/, '');
  try {
    return normaliseEmail(address);
  } catch {
    return undefined;
  }
}
