import { ValidationError } from '../../core/errors.js';
import type { AnyProvider } from '../../core/providers/provider.js';
import { PROVIDERS } from '../../core/providers/registry.js';
import { providerDescriptors } from '../../core/settings/provider-settings.js';
import { maskSecrets } from '../../core/settings/settings-secrets.js';
import type { SettingsManager, VersionedSettings } from '../../core/settings/settings-service.js';
import { header, jsonBody } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';

/** Masked settings, the version to send back, and (read-only) what the stack keeps in force. */
function answer({ settings, version, managed }: VersionedSettings) {
  return ok({ ...maskSecrets(settings), version, managed }, { ETag: `"${version}"` });
}

/** The version the caller read: `If-Match: "3"` (the ETag of GET), or `version` in the body. */
function expectedVersion(event: HttpEvent, body: unknown): number {
  const ifMatch = header(event, 'if-match');
  const fromBody = (body as { version?: unknown } | null)?.version;
  if (ifMatch !== undefined) {
    const m = /^(?:W\/)?"?(\d{1,12})"?$/.exec(ifMatch.trim());
    if (!m)
      throw new ValidationError('If-Match', 'must be the ETag of GET /api/settings/bounce, such as "3"');
    const version = Number(m[1]);
    if (fromBody !== undefined && fromBody !== version)
      throw new ValidationError('version', 'and If-Match differ');
    return version;
  }
  if (typeof fromBody === 'number' && Number.isInteger(fromBody) && fromBody >= 0) return fromBody;
  throw new ValidationError(
    'If-Match',
    'is required (or "version" in the body): send the ETag of GET /api/settings/bounce, so a concurrent change is not overwritten',
  );
}

/** `GET /api/settings/bounce`: secrets masked; the ETag is the version to send back on PUT. */
export function getSettingsRoute(settings: SettingsManager): HttpHandler {
  return async () => answer(await settings.current());
}

/**
 * `PUT /api/settings/bounce`: a whole or partial settings document; blank or masked secrets keep the
 * stored ones; invalid values are refused naming the field; a stale version is a 409.
 */
export function putSettingsRoute(settings: SettingsManager): HttpHandler {
  return async (event) => {
    const body = jsonBody(event);
    return answer(await settings.save(body, expectedVersion(event, body)));
  };
}

/**
 * `GET /api/settings/schema`: how each provider's settings look (fields, kinds, defaults), from the
 * registry, so the console renders a provider's fieldset without knowing it in advance.
 */
export function settingsSchemaRoute(providers: readonly AnyProvider[] = PROVIDERS): HttpHandler {
  const body = { providers: providerDescriptors(providers) };
  return async () => ok(body);
}
