import type { BounceInput } from '../bounces/bounce.js';
import { isUuid, normaliseUuid } from '../uuid.js';

/**
 * Campaign and subscriber from a provider's custom headers/args (DESIGN §6). A campaign value becomes
 * `campaign_uuid` only when it is a UUID, else `meta.campaign_ref`; a subscriber value only when it is
 * a UUID. Providers pass `prefer: 'email'` so the email decides when both are present and disagree.
 */
export function correlate(
  campaign: unknown,
  subscriber: unknown,
  meta: Record<string, unknown>,
): Pick<BounceInput, 'campaign_uuid' | 'subscriber_uuid' | 'meta'> {
  const out: Pick<BounceInput, 'campaign_uuid' | 'subscriber_uuid' | 'meta'> = { meta };
  if (typeof campaign === 'string' && campaign.trim()) {
    const value = campaign.trim();
    if (isUuid(value)) out.campaign_uuid = normaliseUuid(value);
    else out.meta = { ...meta, campaign_ref: value.slice(0, 200) };
  }
  if (typeof subscriber === 'string' && isUuid(subscriber.trim()))
    out.subscriber_uuid = normaliseUuid(subscriber.trim());
  return out;
}
