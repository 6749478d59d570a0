import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, SettingsSource } from '../../core/ports.js';
import { type BounceSettings, effectiveSettings } from '../../core/settings.js';
import { storage } from './client.js';
import { keys } from './keys.js';

export interface SettingsSourceOptions {
  /** Non-secret settings the deployment starts from (DESIGN §5), overlaid on listmonk's defaults. */
  deployDefaults?: unknown;
  /** How long a read is reused; a saved change reaches every function within this time. */
  cacheMs?: number;
}

/**
 * Reads the settings item and overlays it on the defaults. Reads are cached briefly per container:
 * every webhook needs the settings, and a few seconds of staleness after a save is harmless.
 */
export class DynamoDbSettingsSource implements SettingsSource {
  private cached?: { at: number; value: BounceSettings };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly options: SettingsSourceOptions = {},
  ) {}

  async get(): Promise<BounceSettings> {
    const now = this.clock.now().getTime();
    const ttl = this.options.cacheMs ?? 5_000;
    if (this.cached && now - this.cached.at < ttl) return this.cached.value;
    const res = await storage('read settings', () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: keys.settings() })),
    );
    const stored = typeof res.Item?.settings === 'string' ? JSON.parse(res.Item.settings) : undefined;
    const value = effectiveSettings(this.options.deployDefaults, stored);
    this.cached = { at: now, value };
    return value;
  }

  /** Drops the cached copy, e.g. right after this container saved new settings. */
  invalidate(): void {
    this.cached = undefined;
  }
}
