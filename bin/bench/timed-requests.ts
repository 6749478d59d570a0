import { performance } from 'node:perf_hooks';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http/types.js';

export interface TimedRequests {
  samples: number[];
  wallMs: number;
  /** `status body` of each non-200 answer, counted. */
  failures: Map<string, number>;
}

/**
 * Invokes a handler with events built beforehand, after a warm-up with others, one at a time; each
 * 200 answer goes to `onOk` (outside the timed call).
 */
export async function timeRequests(
  invoke: (event: HttpEvent) => Promise<HttpResult>,
  warm: readonly HttpEvent[],
  events: readonly HttpEvent[],
  onOk?: (result: HttpResult) => void,
): Promise<TimedRequests> {
  for (const event of warm) await invoke(event);
  const samples = new Array<number>(events.length);
  const failures = new Map<string, number>();
  const start = performance.now();
  for (const [i, event] of events.entries()) {
    const t0 = performance.now();
    const res = await invoke(event);
    samples[i] = performance.now() - t0;
    if (res.statusCode !== 200) {
      const key = `${res.statusCode} ${res.body}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
    } else onOk?.(res);
  }
  return { samples, wallMs: performance.now() - start, failures };
}
