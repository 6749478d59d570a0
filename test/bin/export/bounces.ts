import type { Bounce } from './fake-api.js';

const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';

/** Values that break naive CSV handling: separators, quotes, line breaks, non-ASCII, formula starts. */
const AWKWARD: Array<Partial<Bounce>> = [
  { diagnostic: 'smtp; 550 5.1.1 <a@b.c>, user unknown' },
  { diagnostic: 'he said "no"' },
  { diagnostic: 'line one\r\nline two\nline three' },
  { diagnostic: 'Zürich — 東京 — emoji 📬', email: 'jürgen@exämple.de' },
  { diagnostic: '\'=HYPERLINK("http://evil")' },
  { diagnostic: '=1+2', source: '@source' },
  { meta: { note: 'a,"b"\nc', nested: { n: 1 } } },
  { diagnostic: '"\n"', status: '' },
];

export function makeBounces(count: number): Bounce[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `01KB${String(i).padStart(22, '0')}`,
    created_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    email: `user${i}@mail.com`,
    subscriber_uuid: i % 3 === 0 ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    subscriber_status: 'blocklisted',
    campaign_uuid: i % 2 === 0 ? CAMPAIGN : null,
    source: 'api',
    type: i % 4 === 0 ? 'soft' : 'hard',
    reason: 'user_unknown',
    status: '5.1.1',
    diagnostic: null,
    meta: {},
    ...AWKWARD[i % AWKWARD.length],
  }));
}

/** Cuts `rows` into pages of the given sizes (a 0 makes an empty page). */
export function paginate(rows: Bounce[], sizes: number[]): Bounce[][] {
  const pages: Bounce[][] = [];
  let at = 0;
  for (const size of sizes) {
    pages.push(rows.slice(at, at + size));
    at += size;
  }
  if (at !== rows.length) throw new Error(`page sizes cover ${at} of ${rows.length} rows`);
  return pages;
}
