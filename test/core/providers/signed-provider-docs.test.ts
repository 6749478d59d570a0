import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailgunMapping } from '../../../lambdas/core/providers/mailgun.js';
import type { MappingRow } from '../../../lambdas/core/providers/mapping-row.js';
import { postalMapping } from '../../../lambdas/core/providers/postal.js';
import { resendMapping } from '../../../lambdas/core/providers/resend.js';

const README = readFileSync(join(resolve(import.meta.dirname, '../../..'), 'README.md'), 'utf8');

/** A table row as cells, with alignment padding and backticks taken out. */
function cells(line: string): string {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim().replaceAll('`', '').replace(/\s+/g, ' '))
    .join(' | ');
}

const DOCUMENTED = new Set(
  README.split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map(cells),
);

describe("the README's mapping tables are the signed providers' tables", () => {
  it.each([
    ['Mailgun', mailgunMapping],
    ['Resend', resendMapping],
    ['Postal', postalMapping],
  ] as [string, readonly MappingRow[]][])('%s: every row the module applies is in the README', (_, rows) => {
    const missing = rows
      .map((r) => `${r.event} | ${r.type} | ${r.reason ?? ''}`)
      .filter((row) => !DOCUMENTED.has(row));
    expect(missing).toEqual([]);
  });
});
