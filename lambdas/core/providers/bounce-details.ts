import type { BounceInput } from '../bounces/bounce.js';

/**
 * The details a provider may know, set only when known: an absent field lets the recording fall back
 * (its clock for the time), where an empty one would be stored as if the provider had said it.
 */
export function withDetails(
  bounce: BounceInput,
  details: { status?: string; diagnostic?: string; createdAt?: string },
): BounceInput {
  if (details.status) bounce.status = details.status;
  if (details.diagnostic) bounce.diagnostic = details.diagnostic;
  if (details.createdAt) bounce.created_at = details.createdAt;
  return bounce;
}
