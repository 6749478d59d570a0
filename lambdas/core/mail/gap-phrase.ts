/** Something a phrase rule can be: a pattern, or a phrase with a gap. */
export interface PhraseMatcher {
  test(text: string): boolean;
}

/**
 * A phrase with a bounded gap ("sending ip", then "listed" within 30 characters), found in time
 * linear in the text. As one pattern (`sending ip .{0,30}listed`) a search re-reads the gap at every
 * place the head matches, which a static ReDoS check rightly calls super-linear; here the head is
 * found by a pattern without a gap (global), and the tail is tried once, sticky, right after it.
 */
export function gapPhrase(head: RegExp, tail: RegExp): PhraseMatcher {
  if (!head.global || !tail.sticky) throw new Error('gapPhrase needs a global head and a sticky tail');
  return {
    test(text: string): boolean {
      for (const m of text.matchAll(head)) {
        tail.lastIndex = (m.index ?? 0) + m[0].length;
        if (tail.test(text)) return true;
      }
      return false;
    },
  };
}

/** Any of several matchers. */
export function anyMatcher(...matchers: PhraseMatcher[]): PhraseMatcher {
  return { test: (text) => matchers.some((m) => m.test(text)) };
}
