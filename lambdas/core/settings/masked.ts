/** What a masked secret reads as; sending it back (or a blank) keeps the stored secret. */
export const MASK = '••••••••';

/** A secret sent back masked, or blank after trimming: no new value, so the stored one stays. */
export function isMaskedOrBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === 'string' && (value.trim() === '' || /^•+$/.test(value));
}
