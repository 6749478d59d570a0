import type { BounceInput } from '../bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../bounces/record-bounce.js';
import type { BounceSettings } from '../settings/settings.js';

const RECORD_CONCURRENCY = 16;

/**
 * Stand-in with the contract's signature until the registry branch's use case is merged: records a
 * few at a time; every event is attempted, and the first failure is thrown after the others finished.
 */
export async function recordEvents(
  deps: RecordDeps,
  settings: BounceSettings,
  bounces: readonly BounceInput[],
): Promise<{ recorded: number; duplicates: number }> {
  let recorded = 0;
  let duplicates = 0;
  const errors: unknown[] = [];
  const queue = [...bounces];
  const worker = async () => {
    for (let bounce = queue.shift(); bounce; bounce = queue.shift()) {
      try {
        const result = await recordBounce(deps, settings, bounce);
        if (result.duplicate) duplicates++;
        else if (result.id) recorded++;
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, queue.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return { recorded, duplicates };
}
