/**
 * One pattern from a list of alternatives, so that the long phrase lists of the bounce rules read
 * one phrase a line and a reviewer can see what each rule matches. Alternatives are pattern sources.
 */
export function anyOf(
  alternatives: readonly string[],
  { before = '', after = '', flags = 'i' }: { before?: string; after?: string; flags?: string } = {},
): RegExp {
  return new RegExp(`${before}(?:${alternatives.join('|')})${after}`, flags);
}
