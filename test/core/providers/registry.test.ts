import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, PROVIDERS, providerNamed } from '../../../lambdas/core/providers/registry.js';
import { defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { validateSettings } from '../../../lambdas/core/settings/settings-validation.js';

const PROVIDER_DIR = join(import.meta.dirname, '../../../lambdas/core/providers');

describe('provider registry', () => {
  it('names each provider once, as a route segment and settings key', () => {
    expect(new Set(PROVIDER_NAMES).size).toBe(PROVIDERS.length);
    for (const p of PROVIDERS) {
      expect(p.name).toMatch(/^[a-z][a-z0-9]{1,30}$/);
      expect(p.title.trim()).not.toBe('');
      expect(providerNamed(p.name)).toBe(p);
    }
    expect(providerNamed('nosuch')).toBeUndefined();
  });

  it('has one module per provider, named after it', () => {
    const modules = readdirSync(PROVIDER_DIR);
    for (const name of PROVIDER_NAMES) expect(modules).toContain(`${name}.ts`);
  });

  it('keys each provider setting once, in snake_case, never `enabled`', () => {
    for (const p of PROVIDERS) {
      const keys = p.settings.map((f) => f.key);
      expect(new Set(keys).size, p.name).toBe(keys.length);
      for (const key of keys) expect(key, p.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(keys, p.name).not.toContain('enabled');
    }
  });

  it('starts every provider off, and the defaults are valid settings', () => {
    const defaults = defaultSettings() as unknown as Record<string, { enabled: boolean }>;
    for (const name of PROVIDER_NAMES) expect(defaults[name]?.enabled, name).toBe(false);
    expect(() => validateSettings(defaultSettings())).not.toThrow();
  });
});
