import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BREVO_MAPPING } from '../../../lambdas/core/providers/brevo.js';
import { MAILJET_MAPPING } from '../../../lambdas/core/providers/mailjet.js';
import { type MappingRow, mappingMarkdown } from '../../../lambdas/core/providers/mapping-table.js';
import { SPARKPOST_MAPPING } from '../../../lambdas/core/providers/sparkpost.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The user documentation: the README, and the pending notes not yet merged into it. */
function documentation(): string {
  const pending = join(ROOT, 'docs/pending');
  const notes = (() => {
    try {
      return readdirSync(pending).filter((f) => f.endsWith('.md'));
    } catch {
      return [];
    }
  })();
  return [
    readFileSync(join(ROOT, 'README.md'), 'utf8'),
    ...notes.map((f) => readFileSync(join(pending, f), 'utf8')),
  ].join('\n');
}

/** A table row as cells, with alignment padding, backticks and escapes taken out. */
function cells(line: string): string {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll('`', '').replaceAll('\\|', '|').replace(/\s+/g, ' '))
    .join(' | ');
}

const DOCUMENTED = new Set(
  documentation()
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map(cells),
);

describe("the documented mapping tables are the modules' tables", () => {
  it.each([
    ['SparkPost', SPARKPOST_MAPPING],
    ['Mailjet', MAILJET_MAPPING],
    ['Brevo', BREVO_MAPPING],
  ] as [string, readonly MappingRow[]][])(
    '%s: every row the module applies is in the documentation',
    (_, rows) => {
      const missing = mappingMarkdown(rows)
        .split('\n')
        .slice(2)
        .map(cells)
        .filter((row) => !DOCUMENTED.has(row));
      expect(missing).toEqual([]);
    },
  );
});
