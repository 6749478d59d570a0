/**
 * One rule from a list of alternative phrases, so that the long phrase lists of the bounce rules
 * read one phrase a line and a reviewer can see what each rule matches. Alternatives are pattern
 * sources, written in lower case.
 *
 * The list is compiled in chunks of a few alternatives each, tried in turn, and matched against
 * the lower-cased text instead of with a case-insensitive flag: one pattern of fifty alternatives,
 * or a case-insensitive one, is too large for a static backtracking check (recheck) to decide, and
 * a pattern that cannot be checked cannot be shown to cost linear time.
 */
export type Phrases = Pick<RegExp, 'test' | 'exec'>;

const CHUNK = 6;

/** Lower case of the same length, so match positions are positions in the text itself. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  // A few characters (U+0130) lower-case to two code units: those keep their case.
  return Array.from(text, (ch) => {
    const l = ch.toLowerCase();
    return l.length === ch.length ? l : ch;
  }).join('');
}

export function anyOf(
  alternatives: readonly string[],
  { before = '', after = '', flags = 'i' }: { before?: string; after?: string; flags?: string } = {},
): Phrases {
  const fold = flags.includes('i');
  const own = flags.replace('i', '');
  const patterns: RegExp[] = [];
  for (let i = 0; i < alternatives.length; i += CHUNK) {
    patterns.push(new RegExp(`${before}(?:${alternatives.slice(i, i + CHUNK).join('|')})${after}`, own));
  }
  const input = (text: string) => (fold ? lowerSameLength(text) : text);
  return {
    test: (text: string) => {
      const folded = input(text);
      return patterns.some((pattern) => pattern.test(folded));
    },
    // The earliest match of any chunk, as one pattern of all the alternatives would find it.
    exec: (text: string) => {
      const folded = input(text);
      let best: RegExpExecArray | null = null;
      for (const pattern of patterns) {
        const m = pattern.exec(folded);
        if (m && (!best || m.index < best.index)) best = m;
      }
      return best;
    },
  };
}

/**
 * A phrase and, within `within` characters after it, one of some words: `sending ip ... listed`.
 * A pattern with a gap (`[^.]{0,40}`) between the two is what a backtracking check calls
 * polynomial; a search for the words in a bounded window is linear.
 */
export function followedBy(lead: string, words: readonly string[], within: number): Phrases {
  const start = new RegExp(lead, 'g');
  const find = (text: string): RegExpExecArray | null => {
    const folded = lowerSameLength(text);
    start.lastIndex = 0;
    for (let m = start.exec(folded); m; m = start.exec(folded)) {
      const end = m.index + m[0].length;
      const window = folded.slice(end, end + within);
      if (words.some((word) => window.includes(word))) return m;
      if (m[0].length === 0) start.lastIndex++;
    }
    return null;
  };
  return { test: (text: string) => find(text) !== null, exec: find };
}

/** Several rules as one: any of them matches, the earliest match is the match. */
export function either(...rules: readonly Phrases[]): Phrases {
  return {
    test: (text: string) => rules.some((rule) => rule.test(text)),
    exec: (text: string) => {
      let best: RegExpExecArray | null = null;
      for (const rule of rules) {
        const m = rule.exec(text);
        if (m && (!best || m.index < best.index)) best = m;
      }
      return best;
    },
  };
}
