/** Nearest-rank percentile of an ascending array: a value that was actually measured. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  const total = values.reduce((sum, v) => sum + v, 0);
  return {
    count: values.length,
    mean: total / values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.at(-1) ?? Number.NaN,
  };
}

/** Milliseconds shown in the unit that keeps three significant digits readable. */
export function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A plain-text table; `align` has one letter per column, `l` or `r` (default: first left, rest right). */
export function table(rows: readonly (readonly string[])[], align = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  const left = (i: number) => (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l';
  return rows.map((row) =>
    row
      .map((cell, i) => (left(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
