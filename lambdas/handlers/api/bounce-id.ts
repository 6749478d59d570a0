import { ValidationError } from '../../core/errors.js';

const BOUNCE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Bounce ids are ULIDs; anything else cannot exist, so it is a 400 rather than a lookup. */
export function parseBounceId(raw: string): string {
  if (!BOUNCE_ID.test(raw))
    throw new ValidationError('id', `${JSON.stringify(raw.slice(0, 40))} is not a bounce id`);
  return raw;
}
