import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../lambdas/core/bounces/bounce.js';
import type { MappingRow } from '../../lambdas/core/providers/mapping-row.js';
import type { ProviderOutcome } from '../../lambdas/core/providers/provider.js';

type Json = Record<string, unknown>;

/** The one bounce a single-event request recorded, or `ignored` when it was acknowledged only. */
export function bounceOrIgnored(outcome: ProviderOutcome): BounceInput | 'ignored' {
  if (outcome.kind !== 'events') throw new Error(`unexpected ${outcome.kind}`);
  if (outcome.ignored === 1 && outcome.bounces.length === 0) return 'ignored';
  return outcome.bounces[0] as BounceInput;
}

/**
 * The README's mapping table held to the code: one example payload per row (and no example without a
 * row), each run through the provider with real signatures and compared with what its row promises.
 */
export function describeMappingExamples(
  title: string,
  rows: readonly MappingRow[],
  examples: Record<string, Json>,
  mapped: (payload: Json) => Promise<BounceInput | 'ignored'>,
): void {
  describe(title, () => {
    it('has one example per row and no example without a row', () => {
      expect(Object.keys(examples).sort()).toEqual(rows.map((r) => r.event).sort());
    });

    for (const row of rows) {
      it(`${row.event} -> ${row.type}${row.reason ? ` ${row.reason}` : ''}`, async () => {
        const result = await mapped(examples[row.event] as Json);
        if (row.type === 'ignored') expect(result).toBe('ignored');
        else expect(result).toMatchObject({ type: row.type, reason: row.reason });
      });
    }
  });
}
