/**
 * The organisational domain of a host name (`mx3.mail.example.co.uk` -> `example.co.uk`): the part
 * a mail provider registers. An approximation of the Public Suffix List that needs no list: the last
 * two labels, or three where a two-letter country code carries the usual second-level names (co.uk,
 * com.ar, ne.jp). Used only to ask whether two hosts belong to one organisation, where a miss
 * costs nothing but a clue.
 */
const SECOND_LEVEL = new Set([
  'ac',
  'ad',
  'co',
  'com',
  'ed',
  'edu',
  'go',
  'gob',
  'gov',
  'gr',
  'lg',
  'ltd',
  'mil',
  'ne',
  'net',
  'nom',
  'or',
  'org',
  'plc',
  'sch',
]);

export function organisationalDomain(host: string): string | undefined {
  const labels = host.trim().toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 2 || labels.some((label) => !label)) return undefined;
  const tld = labels[labels.length - 1] as string;
  const second = labels[labels.length - 2] as string;
  const take = tld.length === 2 && SECOND_LEVEL.has(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-take).join('.');
}

/** The domain of an address (after its last `@`), lower-cased. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
