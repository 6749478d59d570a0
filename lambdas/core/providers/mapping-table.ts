import type { BounceType } from '../bounces/bounce.js';
import type { Reason } from '../bounces/reasons.js';

/**
 * One row of a provider's mapping as users read it: which event, under which classification,
 * becomes which bounce type and reason. `reason: 'from the text'` means the enhanced status and the
 * server's text decide (else `unknown`). The modules build their lookups from these rows, so the
 * documented table and the behaviour are one thing.
 */
export interface MappingRow {
  event: string;
  when: string;
  type: BounceType | 'ignored';
  reason: Reason | 'from the text' | '';
}

/** The rows as a Markdown table, the form the documentation shows and its test compares. */
export function mappingMarkdown(rows: readonly MappingRow[]): string {
  const cell = (s: string) => (s ? s.replaceAll('|', '\\|') : '-');
  const lines = ['| event | when | type | reason |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${cell(r.event)} | ${cell(r.when)} | ${r.type} | ${cell(r.reason)} |`);
  return lines.join('\n');
}
