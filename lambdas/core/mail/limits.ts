/**
 * Every parse is bounded by sizes and counts rather than by a clock (core has none, DESIGN §1): each
 * step makes a fixed number of linear passes over at most these many characters, and every pattern
 * that sees message text passes a static backtracking check, so a truncated or hostile message
 * ends in bounded time whatever its shape (the robustness and linearity tests, and the truncation
 * run of `npm run bench`). A caller that wants a wall-clock bound on top can race the promise, but
 * it never needs to.
 */
export interface ParseLimits {
  /** Bytes of the raw message read; the rest is dropped as if the message had been truncated there. */
  maxMessageBytes: number;
  /** Bytes of the top-level header read. */
  maxHeaderBytes: number;
  /** Multipart nesting followed; deeper parts are not looked at. */
  maxMimeDepth: number;
  /** MIME entities visited in all; a report puts its evidence in the first few. */
  maxParts: number;
  /** Recipients reported per message. */
  maxRecipients: number;
  /** Characters of human-readable text scanned for a non-standard bounce. */
  maxTextChars: number;
  /** Characters of one line handed to a regular expression. */
  maxLineChars: number;
  /** Characters of one part read (a report, the returned headers, a text part). */
  maxReportChars: number;
  /** Characters kept of a diagnostic. */
  maxDiagnosticChars: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 2 * 1024 * 1024,
  maxHeaderBytes: 512 * 1024,
  maxMimeDepth: 32,
  maxParts: 64,
  maxRecipients: 100,
  maxTextChars: 128 * 1024,
  maxLineChars: 2_000,
  maxReportChars: 128 * 1024,
  maxDiagnosticChars: 1_000,
});

export function resolveLimits(overrides?: Partial<ParseLimits>): ParseLimits {
  if (!overrides) return DEFAULT_LIMITS;
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ParseLimits)[]) {
    const value = overrides[key];
    // A limit that is not a positive integer would switch a bound off, so it keeps the default.
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/** Lines of at most `maxLineChars`, so no expression ever sees an unbounded line. */
export function boundedLines(text: string, limits: ParseLimits): string[] {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length > limits.maxLineChars) lines[i] = line.slice(0, limits.maxLineChars);
  }
  return lines;
}
