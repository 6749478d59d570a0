import { ValidationError } from '../errors.js';
import type { AnyProvider, ProviderConfig, SettingField } from '../providers/provider.js';

/**
 * The providers' settings, derived from their descriptors: defaults, validation naming the field,
 * and the secret fields (kept in the secret store, masked on read). Each function takes the provider
 * list, so a registry with one more provider gets all of it without a change here.
 */

type Obj = Record<string, unknown>;
export type ProviderSlices = Record<string, ProviderConfig>;

const MAX_SECRET = 4000;
const MAX_TEXT = 1000;
const MAX_ITEMS = 20;
const MAX_ITEM = 1000;

function fieldDefault(field: SettingField): string | string[] | boolean {
  switch (field.kind) {
    case 'string-list':
      return [...field.default];
    case 'boolean':
      return field.default;
    default:
      return '';
  }
}

/** `{enabled: false, ...}` per provider: every provider is off until an operator turns it on. */
export function providerDefaults(providers: readonly AnyProvider[]): ProviderSlices {
  return Object.fromEntries(
    providers.map((p) => [
      p.name,
      { enabled: false, ...Object.fromEntries(p.settings.map((f) => [f.key, fieldDefault(f)])) },
    ]),
  );
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringValue(field: SettingField & { kind: 'secret' | 'text' }, raw: unknown, path: string): string {
  const max = field.maxLength ?? (field.kind === 'secret' ? MAX_SECRET : MAX_TEXT);
  if (typeof raw !== 'string' || raw.length > max)
    throw new ValidationError(path, `must be a string of at most ${max} characters`);
  return field.trim ? raw.trim() : raw;
}

function fieldValue(field: SettingField, raw: unknown, path: string): string | string[] | boolean {
  switch (field.kind) {
    case 'boolean':
      if (typeof raw !== 'boolean') throw new ValidationError(path, 'must be true or false');
      return raw;
    case 'string-list': {
      const max = field.maxItems ?? MAX_ITEMS;
      if (!Array.isArray(raw) || raw.length > max)
        throw new ValidationError(path, `must be a list of at most ${max} strings`);
      return raw.map((item, i) => {
        if (typeof item !== 'string' || item.length > MAX_ITEM)
          throw new ValidationError(`${path}[${i}]`, `must be a string of at most ${MAX_ITEM} characters`);
        const problem =
          field.item?.(item) ??
          (field.itemPattern && !field.itemPattern.test(item)
            ? `must match ${field.itemPattern.source}`
            : null);
        if (problem) throw new ValidationError(`${path}[${i}]`, problem);
        return item;
      });
    }
    default: {
      const value = stringValue(field, raw, path);
      const problem = value.trim() ? field.check?.(value) : null;
      if (problem) throw new ValidationError(path, problem);
      return value;
    }
  }
}

/** Checks one provider's slice: known fields only, each of its kind, required secrets and texts while enabled. */
export function validateProviderSlice(provider: AnyProvider, raw: unknown): ProviderConfig {
  const name = provider.name;
  if (!isObj(raw)) throw new ValidationError(name, 'must be an object');
  const known = ['enabled', ...provider.settings.map((f) => f.key)];
  for (const key of Object.keys(raw))
    if (!known.includes(key)) throw new ValidationError(`${name}.${key}`, 'is not a known setting');
  if (typeof raw.enabled !== 'boolean') throw new ValidationError(`${name}.enabled`, 'must be true or false');
  const config: ProviderConfig = { enabled: raw.enabled };
  for (const field of provider.settings)
    config[field.key] = fieldValue(field, raw[field.key], `${name}.${field.key}`);
  if (config.enabled) {
    for (const field of provider.settings) {
      // A secret of only whitespace is no secret: it must not switch a provider on (DESIGN §9).
      const required = (field.kind === 'secret' || field.kind === 'text') && !field.optional;
      if (required && String(config[field.key]).trim() === '')
        throw new ValidationError(`${name}.${field.key}`, `is required (not blank) while ${name}.enabled`);
    }
  }
  const problem = provider.checkSettings?.(config);
  if (problem) throw new ValidationError(`${name}.${problem.field}`, problem.message);
  return config;
}

/** Every provider's slice of a settings document, validated. */
export function validateProviders(settings: Obj, providers: readonly AnyProvider[]): ProviderSlices {
  return Object.fromEntries(providers.map((p) => [p.name, validateProviderSlice(p, settings[p.name])]));
}

/** The providers' secret fields by their key in the secret store (`<provider>.<field>`). */
export function providerSecretPaths(
  providers: readonly AnyProvider[],
): Array<{ provider: string; field: string; key: string }> {
  return providers.flatMap((p) =>
    p.settings
      .filter((f) => f.kind === 'secret')
      .map((f) => ({ provider: p.name, field: f.key, key: `${p.name}.${f.key}` })),
  );
}

/** One setting as the console renders it (GET /api/settings/schema). */
export interface SettingDescriptor {
  key: string;
  kind: SettingField['kind'];
  description: string;
  /** Not required while the provider is enabled. */
  optional: boolean;
  default: string | string[] | boolean;
  /** For `string-list`: what each entry must match (a JavaScript pattern). */
  item_pattern?: string;
}

export interface ProviderDescriptor {
  name: string;
  title: string;
  /** The webhook's path. */
  path: string;
  settings: SettingDescriptor[];
}

/** The providers' settings forms, as data: the console renders its fieldsets from this. */
export function providerDescriptors(providers: readonly AnyProvider[]): ProviderDescriptor[] {
  return providers.map((p) => ({
    name: p.name,
    title: p.title,
    path: `/webhooks/service/${p.name}`,
    settings: p.settings.map((f) => ({
      key: f.key,
      kind: f.kind,
      description: f.description,
      optional: f.kind === 'boolean' || f.kind === 'string-list' || f.optional === true,
      default: fieldDefault(f),
      ...(f.kind === 'string-list' && f.itemPattern ? { item_pattern: f.itemPattern.source } : {}),
    })),
  }));
}
