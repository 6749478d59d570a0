/**
 * Trimming by a set of characters with a loop: the pattern form (`/[.-]+$/`) tries every start
 * position of a long run and costs quadratic time on one, which a hostile message can supply.
 */
export function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1] as string)) end--;
  return end === text.length ? text : text.slice(0, end);
}

export function trimStartOf(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start] as string)) start++;
  return start === 0 ? text : text.slice(start);
}
