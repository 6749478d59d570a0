/** The keys every provider's custom data is read for (DESIGN §6). */
export const CAMPAIGN_KEY = 'stmails_campaign';
export const SUBSCRIBER_KEY = 'stmails_subscriber';

export interface Correlation {
  campaign?: string;
  subscriber?: string;
}

const MAX_CUSTOM_TEXT = 4000;
const PAIR_SEPARATORS = new Set(['&', ';', ',', '|', '\n', '\r', '\t', ' ']);

function fromObject(value: Record<string, unknown>): Correlation {
  const out: Correlation = {};
  const campaign = value[CAMPAIGN_KEY];
  const subscriber = value[SUBSCRIBER_KEY];
  if (typeof campaign === 'string' && campaign.trim()) out.campaign = campaign.trim();
  if (typeof subscriber === 'string' && subscriber.trim()) out.subscriber = subscriber.trim();
  return out;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

/** `stmails_campaign=…&stmails_subscriber=…` (also `;`, `,`, `|` or spaces between pairs, `:` for `=`). */
function fromPairs(text: string): Correlation {
  const out: Correlation = {};
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !PAIR_SEPARATORS.has(text[i] as string)) continue;
    const pair = text.slice(start, i);
    start = i + 1;
    const found = fromTag(pair);
    if (found.campaign && !out.campaign) out.campaign = found.campaign;
    if (found.subscriber && !out.subscriber) out.subscriber = found.subscriber;
  }
  return out;
}

/** One tag `stmails_campaign:<value>` or `stmails_campaign=<value>`; anything else says nothing. */
function fromTag(tag: string): Correlation {
  const trimmed = tag.trim();
  for (const [key, field] of [
    [CAMPAIGN_KEY, 'campaign'],
    [SUBSCRIBER_KEY, 'subscriber'],
  ] as const) {
    if (trimmed.length <= key.length + 1 || trimmed.slice(0, key.length).toLowerCase() !== key) continue;
    const separator = trimmed[key.length];
    if (separator !== '=' && separator !== ':') continue;
    const value = decode(trimmed.slice(key.length + 1)).trim();
    return value ? { [field]: value } : {};
  }
  return {};
}

/**
 * Campaign and subscriber from a provider's free-form custom data: an object, a string holding a JSON
 * object, or `key=value` pairs. The sender chooses the form; unknown keys and other text are ignored.
 */
export function fromCustomData(value: unknown): Correlation {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return fromObject(value as Record<string, unknown>);
  if (typeof value !== 'string') return {};
  const text = value.trim().slice(0, MAX_CUSTOM_TEXT);
  if (!text) return {};
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return fromObject(parsed as Record<string, unknown>);
    } catch {
      // Not JSON after all: read it as pairs.
    }
  }
  return fromPairs(text);
}

/** Campaign and subscriber from tags such as `stmails_campaign:<uuid>` (a list, or one string). */
export function fromTags(tags: unknown): Correlation {
  const list = Array.isArray(tags) ? tags : [tags];
  const out: Correlation = {};
  for (const tag of list.slice(0, 50)) {
    if (typeof tag !== 'string') continue;
    const found = fromTag(tag.slice(0, 500));
    if (found.campaign && !out.campaign) out.campaign = found.campaign;
    if (found.subscriber && !out.subscriber) out.subscriber = found.subscriber;
  }
  return out;
}

/** The first source that names each value wins. */
export function firstOf(...sources: Correlation[]): Correlation {
  const out: Correlation = {};
  for (const s of sources) {
    if (!out.campaign && s.campaign) out.campaign = s.campaign;
    if (!out.subscriber && s.subscriber) out.subscriber = s.subscriber;
  }
  return out;
}
