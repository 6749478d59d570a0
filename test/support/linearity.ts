import { performance } from 'node:perf_hooks';

/**
 * How many times longer `run` takes on an input `factor` times larger: the median of a few rounds,
 * each repeating the call until the small input has taken a measurable time. A ratio, never a time
 * in milliseconds, so a loaded machine slows both sides alike. Linear cost gives about `factor`;
 * quadratic about `factor` squared.
 */
export function costRatio(run: (size: number) => unknown, small: number, factor = 10, rounds = 5): number {
  const large = small * factor;
  run(small);
  run(large);
  let repeat = 1;
  for (;;) {
    const started = performance.now();
    for (let i = 0; i < repeat; i++) run(small);
    if (performance.now() - started >= 20 || repeat >= 1 << 16) break;
    repeat *= 2;
  }
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < repeat; i++) run(small);
    const t1 = performance.now();
    for (let i = 0; i < repeat; i++) run(large);
    const t2 = performance.now();
    ratios.push((t2 - t1) / Math.max(t1 - t0, 1e-3));
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] as number;
}

/** The bound the linearity tests assert: 10x the input must cost well under 100x the time. */
export const LINEAR_BOUND = 40;
