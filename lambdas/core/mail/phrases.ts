/**
 * One rule from a list of alternative phrases, so that the long phrase lists of the bounce rules
 * read one phrase a line and a reviewer can see what each rule matches. Alternatives are pattern
 * sources. The list is compiled in chunks of a few alternatives each, tried in turn: one pattern of
 * fifty alternatives is too large for a static backtracking check (recheck) to finish on, and a
 * pattern that cannot be checked cannot be shown to cost linear time.
 */
export type Phrases = Pick<RegExp, 'test' | 'exec'>;

const CHUNK = 8;

export function anyOf(
  alternatives: readonly string[],
  { before = '', after = '', flags = 'i' }: { before?: string; after?: string; flags?: string } = {},
): Phrases {
  const patterns: RegExp[] = [];
  for (let i = 0; i < alternatives.length; i += CHUNK) {
    patterns.push(new RegExp(`${before}(?:${alternatives.slice(i, i + CHUNK).join('|')})${after}`, flags));
  }
  return {
    test: (text: string) => patterns.some((pattern) => pattern.test(text)),
    // The earliest match of any chunk, as one pattern of all the alternatives would find it.
    exec: (text: string) => {
      let best: RegExpExecArray | null = null;
      for (const pattern of patterns) {
        const m = pattern.exec(text);
        if (m && (!best || m.index < best.index)) best = m;
      }
      return best;
    },
  };
}
