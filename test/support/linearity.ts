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

/** `costRatio` for an asynchronous entry point. */
export async function costRatioAsync(
  run: (size: number) => Promise<unknown>,
  small: number,
  factor = 10,
  rounds = 5,
): Promise<number> {
  const large = small * factor;
  await run(small);
  await run(large);
  let repeat = 1;
  for (;;) {
    const started = performance.now();
    for (let i = 0; i < repeat; i++) await run(small);
    if (performance.now() - started >= 20 || repeat >= 1 << 16) break;
    repeat *= 2;
  }
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < repeat; i++) await run(small);
    const t1 = performance.now();
    for (let i = 0; i < repeat; i++) await run(large);
    const t2 = performance.now();
    ratios.push((t2 - t1) / Math.max(t1 - t0, 1e-3));
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] as number;
}

/**
 * Text of about `size` × 100 characters built from the attack strings that made the patterns of
 * lambdas/ backtrack before they were rewritten: gaps after a repeated label, runs two patterns
 * could share, unterminated brackets and quotes.
 */
export function hostileText(size: number, separator = ' '): string {
  const pieces = [
    'exceeds ',
    '>>>DATA<',
    'sending ip ',
    'your ip ',
    'user (',
    "this user doesn't have a ",
    'warning: message ',
    'sender ',
    'TO:\t',
    '("',
    '-.',
    'recipient address rejected:',
    'smtp command ',
    'after sending ',
  ];
  return pieces.map((p) => p.repeat(Math.ceil((size * 100) / pieces.length / p.length))).join(separator);
}
