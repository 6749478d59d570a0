import { ConflictError, ValidationError } from './errors.js';
import { withMailboxDefaults } from './mailbox/mailbox-defaults.js';
import type { Clock, SettingsSource } from './ports.js';
import { type BounceSettings, effectiveSettings, overlay } from './settings.js';
import { joinSecrets, keepUnchangedSecrets, type SecretValues, splitSecrets } from './settings-secrets.js';
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
    const { settings, version } = await this.load();
    return { settings, version };
  }

  private async load(): Promise<VersionedSettings & { secrets: SecretValues }> {
    const [{ stored, version }, secrets] = await Promise.all([this.repo.read(), this.secrets.get()]);
    return {
      settings: joinSecrets(effectiveSettings(this.options.deployDefaults, stored), secrets),
      version,
      secrets,
    };
  }

  /** Applies a partial or whole settings document on top of the current one. */
  async save(patch: unknown, expectedVersion: number): Promise<VersionedSettings> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new ValidationError('body', 'must be a JSON object of settings');
    }
    const { version: _version, ...changes } = patch as Record<string, unknown>;
    const { settings, version, secrets: storedSecrets } = await this.load();
    if (expectedVersion !== version) {
      throw new ConflictError(
        `settings changed since version ${expectedVersion} was read (now ${version}); read them again`,
      );
    }
    if (Array.isArray(changes.mailboxes)) {
      changes.mailboxes = changes.mailboxes.map((m) => {
        const box = typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {};
        const uuid = typeof box.uuid === 'string' && box.uuid ? box.uuid : this.options.newUuid();
        return withMailboxDefaults(box, uuid);
      });
    }
    const merged = keepUnchangedSecrets(overlay(settings, changes) as BounceSettings, storedSecrets);
    const valid = validateSettings(merged);
    const { plain, secrets } = splitSecrets(valid);
    const next = await this.repo.write(plain, version);
    if (JSON.stringify(secrets) !== JSON.stringify(storedSecrets)) await this.secrets.put(secrets);
    this.cached = undefined;
    return { settings: valid, version: next };
  }
}
