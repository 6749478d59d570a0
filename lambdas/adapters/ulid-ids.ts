import { monotonicFactory } from 'ulid';
import type { IdGenerator } from '../core/ports.js';

/** ULIDs: 48 bits of time then randomness, monotonic within a millisecond, so ids sort by time. */
export function ulidIds(): IdGenerator {
  const next = monotonicFactory();
  return { next: (timeMs) => next(timeMs) };
}
