import type { BounceType } from '../bounces/bounce.js';
import type { Reason } from '../bounces/reasons.js';

/**
 * One row of a provider's mapping table (README "Providers"), kept as data beside the code that
 * applies it: each provider's tests run an example payload per row through the provider and compare.
 */
export interface MappingRow {
  /** The provider's event and the classification it carries, as they read in its payload. */
  event: string;
  /** What is recorded: a bounce type, or `ignored` (acknowledged, nothing stored). */
  type: BounceType | 'ignored';
  reason?: Reason;
}
