/**
 * Every parse is bounded by size and iteration counts rather than by a clock (core has no clock):
 * a hostile or truncated message costs at most a few passes over these many bytes, whatever its shape.
 */
export interface ParseLimits {
  /** Bytes of the raw message read; the rest is dropped as if the message had been truncated there. */
  maxMessageBytes: number;
  /** Header bytes across every MIME part (postal-mime rejects beyond it; we then scan the raw text). */
  maxHeaderBytes: number;
  /** MIME multipart nesting depth (postal-mime rejects beyond it). */
  maxMimeDepth: number;
  /** MIME parts looked at after parsing; a report puts its evidence in the first few. */
  maxParts: number;
  /** Recipients reported per message. */
  maxRecipients: number;
  /** Characters of human-readable text scanned for a non-standard bounce. */
  maxTextChars: number;
  /** Characters of one line handed to a regular expression. */
  maxLineChars: number;
  /** Characters of a report part (delivery-status, feedback-report, returned headers) read. */
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
