import { ConflictError, ValidationError } from '../errors.js';
import { withUuids } from '../outbound/outbound-settings.js';
import type { Clock, SettingsSource } from '../ports.js';
import {
  type BounceSettings,
  effectiveSettings,
  type ManagedValues,
  managedValues,
  overlay,
  withManaged,
  withoutManaged,
} from './settings.js';
import { applyListRules } from './settings-lists.js';
import {
  internalSecrets,
  joinSecrets,
  keepUnchangedSecrets,
  type SecretValues,
  splitSecrets,
} from './settings-secrets.js';
import { validateSettings } from './settings-validation.js';

export interface SettingsRepository {
  /** The stored (secret-free) settings and their version; version 0 and nothing before the first save. */
  read(): Promise<{ stored: unknown; version: number }>;
  /** Writes if the stored version is still `expected`; returns the new version, else ConflictError. */
  write(plain: BounceSettings, expected: number): Promise<number>;
}

export interface SecretStore {
  get(): Promise<SecretValues>;
  put(values: SecretValues): Promise<void>;
}

function sameValues(a: SecretValues, b: SecretValues): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export interface SettingsServiceOptions {
  deployDefaults?: unknown;
  /** How long a read is reused by `get()`; a saved change reaches every function within this time. */
  cacheMs?: number;
  newUuid: () => string;
}

/** Settings for the management API: read with their version, save checking it. */
export interface SettingsManager extends SettingsSource {
  current(): Promise<VersionedSettings>;
  save(patch: unknown, expectedVersion: number): Promise<VersionedSettings>;
}

export interface VersionedSettings {
  settings: BounceSettings;
  version: number;
  /** Values the stack manages: in force whatever a save says (shown on read, ignored on write). */
  managed: ManagedValues;
}

/**
 * Settings with their secrets: the plain part in one DynamoDB item with a version, the secrets in the
 * secret store. Reads for request handling are cached briefly; saves check the version, so two
 * concurrent writers never silently lose an update.
 */
export class SettingsService implements SettingsManager {
  private cached?: { at: number; value: BounceSettings };

  constructor(
    private readonly repo: SettingsRepository,
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
    private readonly options: SettingsServiceOptions,
  ) {}

  async get(): Promise<BounceSettings> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < (this.options.cacheMs ?? 5_000)) return this.cached.value;
    const { settings } = await this.current();
    this.cached = { at: now, value: settings };
    return settings;
  }

  async current(): Promise<VersionedSettings> {
    const { settings, version, managed } = await this.load();
    return { settings, version, managed };
  }

  private async load(): Promise<VersionedSettings & { secrets: SecretValues }> {
    const [{ stored, version }, secrets] = await Promise.all([this.repo.read(), this.secrets.get()]);
    return {
      settings: joinSecrets(effectiveSettings(this.options.deployDefaults, stored), secrets),
      version,
      managed: managedValues(this.options.deployDefaults),
      secrets,
    };
  }

  /** Applies a partial or whole settings document on top of the current one. */
  async save(patch: unknown, expectedVersion: number): Promise<VersionedSettings> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new ValidationError('body', 'must be a JSON object of settings');
    }
    // `version` and `managed` are read-only parts of what GET answers: sending them back is harmless.
    const { version: _version, managed: _managed, ...changes } = patch as Record<string, unknown>;
    const { settings, version, managed, secrets: storedSecrets } = await this.load();
    if (expectedVersion !== version) {
      throw new ConflictError(
        `settings changed since version ${expectedVersion} was read (now ${version}); read them again`,
      );
    }
    applyListRules(settings, changes, this.options.newUuid);
    const outbound = changes.outbound as { webhooks?: unknown } | undefined;
    if (outbound && typeof outbound === 'object' && Array.isArray(outbound.webhooks)) {
      changes.outbound = { ...outbound, webhooks: withUuids(outbound.webhooks, this.options.newUuid) };
    }
    const merged = keepUnchangedSecrets(overlay(settings, changes) as BounceSettings, storedSecrets);
    const valid = validateSettings(withManaged(merged, managed));
    const { plain, secrets: own } = splitSecrets(valid);
    // The service's own secrets (the cursor key) share the store: a settings save keeps them.
    const secrets = { ...internalSecrets(storedSecrets), ...own };
    // Managed values are not stored: they stay in force from the deployment, and when a redeploy
    // replaces one, the old value is not left behind in the saved settings.
    const next = await this.repo.write(withoutManaged(plain, managed), version);
    if (!sameValues(secrets, storedSecrets)) await this.secrets.put(secrets);
    this.cached = undefined;
    return { settings: valid, version: next, managed };
  }
}
