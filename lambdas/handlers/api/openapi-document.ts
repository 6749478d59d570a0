import type { AnyProvider, SettingField } from '../../core/providers/provider.js';
import { PROVIDERS } from '../../core/providers/registry.js';
import base from './openapi.json' with { type: 'json' };

type Json = Record<string, unknown>;

/**
 * The OpenAPI document: `openapi.json` for everything but the providers, whose parts follow from the
 * registry (the `{provider}` enum of the webhook path, each provider's verification and which
 * providers get 429 for a temporary failure in its description, and each provider's settings, as read and as written), so a provider added to the registry is documented without an edit here.
 */

function readSchema(field: SettingField): Json {
  switch (field.kind) {
    case 'secret':
      return { $ref: '#/components/schemas/MaskedSecret', description: field.description };
    case 'text':
      return { type: 'string', maxLength: field.maxLength ?? 1000, description: field.description };
    case 'boolean':
      return { type: 'boolean', description: field.description };
    case 'string-list':
      return {
        type: 'array',
        maxItems: field.maxItems ?? 20,
        description: field.description,
        items: { type: 'string', ...(field.itemPattern ? { pattern: field.itemPattern.source } : {}) },
      };
  }
}

function writeSchema(field: SettingField): Json {
  if (field.kind === 'secret')
    return {
      type: 'string',
      maxLength: field.maxLength ?? 4000,
      description: `${field.description}. Blank or masked: the stored secret stays.`,
    };
  return readSchema(field);
}

function sliceSchema(provider: AnyProvider, field: (f: SettingField) => Json, required: boolean): Json {
  const properties: Json = {
    enabled: { type: 'boolean', description: `${provider.title} webhook accepted (default false).` },
  };
  for (const f of provider.settings) properties[f.key] = field(f);
  return {
    type: 'object',
    description: `${provider.title}: \`POST /webhooks/service/${provider.name}\`.`,
    ...(required ? { required: ['enabled', ...provider.settings.map((f) => f.key)] } : {}),
    properties,
    additionalProperties: false,
  };
}

/** The settings as read and as written get every provider's slice, after `actions`. */
function withSlices(
  schema: Json,
  providers: readonly AnyProvider[],
  read: boolean,
  known: Set<string>,
): Json {
  const properties = Object.fromEntries(
    Object.entries(schema.properties as Json).filter(([key]) => !known.has(key)),
  );
  // Provider slices go where the old ones were: after `actions`.
  const ordered: Json = {};
  for (const [key, value] of Object.entries(properties)) {
    ordered[key] = value;
    if (key === 'actions')
      for (const p of providers) ordered[p.name] = sliceSchema(p, read ? readSchema : writeSchema, read);
  }
  const out: Json = { ...schema, properties: ordered };
  if (Array.isArray(schema.required))
    out.required = [
      ...(schema.required as string[]).filter((key) => !known.has(key)),
      ...(read ? providers.map((p) => p.name) : []),
    ];
  return out;
}

export function openApiDocument(providers: readonly AnyProvider[] = PROVIDERS): Json {
  const doc = structuredClone(base) as unknown as Json;
  // A provider slice written into openapi.json by hand is replaced by the registry's.
  const known = new Set(providers.map((p) => p.name));
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const webhook = paths['/webhooks/service/{provider}']?.post as Json;
  const schemes = providers.map((p) => `- \`${p.name}\`: ${p.verification ?? `${p.title}'s own scheme.`}`);
  const retryLater = providers.filter((p) => p.retryAnswer === 429).map((p) => `\`${p.name}\``);
  webhook.description = String(webhook.description)
    .replace('{providers}', schemes.join('\n'))
    .replace('{retryLater}', retryLater.length ? retryLater.join(', ') : 'none');
  const [parameter] = webhook.parameters as Json[];
  (parameter as Json).schema = { type: 'string', enum: providers.map((p) => p.name) };
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  schemas.Settings = withSlices(schemas.Settings as Json, providers, true, known);
  schemas.SettingsUpdate = withSlices(schemas.SettingsUpdate as Json, providers, false, known);
  return doc;
}
