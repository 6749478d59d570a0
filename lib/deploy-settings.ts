import { BounceError } from '../lambdas/core/errors.js';
import { type BounceSettings, effectiveSettings } from '../lambdas/core/settings/settings.js';
import { splitSecrets } from '../lambdas/core/settings/settings-secrets.js';
import { validateSettings } from '../lambdas/core/settings/settings-validation.js';

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Deploy-time defaults: overlaid on the built-in defaults until an operator first saves settings. */
export type DeploySettings = DeepPartial<BounceSettings>;

/**
 * Lambda allows 4 KB for all environment variables of a function together; leave room for the
 * names and ARNs next to this one.
 */
const MAX_JSON_CHARS = 2048;

/**
 * The DEFAULT_SETTINGS environment value, checked at synth with the service's own rules, so a typo
 * fails `cdk synth` instead of every request, and a credential never lands in an environment
 * variable (secrets go through the settings API into the settings secret).
 */
export function deploySettingsJson(settings: DeploySettings | undefined): string | undefined {
  if (settings === undefined) return undefined;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new Error('defaultSettings must be a JSON object');
  }
  if (Object.keys(settings).length === 0) return undefined;
  let effective: BounceSettings;
  try {
    effective = validateSettings(effectiveSettings(settings, undefined));
  } catch (error) {
    if (error instanceof BounceError) throw new Error(`defaultSettings: ${error.message}`);
    throw error;
  }
  const secretKeys = Object.keys(splitSecrets(effective).secrets);
  if (secretKeys.length > 0) {
    throw new Error(
      `defaultSettings: ${secretKeys.join(', ')} ${secretKeys.length > 1 ? 'are secrets' : 'is a secret'}: ` +
        'save it through the settings API (PUT /api/settings/bounce), not in an environment variable',
    );
  }
  const json = JSON.stringify(settings);
  if (json.length > MAX_JSON_CHARS) {
    throw new Error(
      `defaultSettings is ${json.length} characters; at most ${MAX_JSON_CHARS} fit in Lambda's environment`,
    );
  }
  return json;
}
