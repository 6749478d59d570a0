import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../lambdas/core/errors.js';
import { ingestProviderRequest } from '../../lambdas/core/ingestion/ingest-provider-request.js';
import { type AnyProvider, defineProvider } from '../../lambdas/core/providers/provider.js';
import { PROVIDERS } from '../../lambdas/core/providers/registry.js';
import { providerDescriptors } from '../../lambdas/core/settings/provider-settings.js';
import { type BounceSettings, defaultSettings } from '../../lambdas/core/settings/settings.js';
import {
  joinSecrets,
  keepUnchangedSecrets,
  MASK,
  maskSecrets,
  splitSecrets,
} from '../../lambdas/core/settings/settings-secrets.js';
import { validateSettings } from '../../lambdas/core/settings/settings-validation.js';
import { openApiDocument } from '../../lambdas/handlers/api/openapi-document.js';
import { openApiRoute } from '../../lambdas/handlers/api/openapi-route.js';
import { PROVIDER_ENV, providerFunctions, routesFor } from '../../lambdas/handlers/routes.js';
import { recordDepsOver, testTable } from '../support/dynamodb.js';

/**
 * A throwaway provider added to a copy of the registry: everything per provider follows from that
 * one line (route, function, settings defaults, validation, masking, secret store, OpenAPI, the
 * console's form, ingestion), with no other edit.
 */
const acme = defineProvider({
  name: 'acme',
  title: 'Acme Mail',
  settings: [
    { key: 'token', kind: 'secret', description: 'Bearer token Acme sends' },
    { key: 'account', kind: 'text', optional: true, description: 'Acme account name' },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config) {
    if (!config.token.trim() || request.headers.authorization !== `Bearer ${config.token}`)
      throw new UnauthenticatedError('invalid token');
    const { email } = JSON.parse(request.rawBody.toString('utf8')) as { email: string };
    return {
      kind: 'events',
      bounces: [
        {
          email,
          type: 'hard',
          reason: 'user_unknown',
          source: 'acme',
          meta: {},
          event_key: `acme:${email}`,
          resolve_by: 'email',
        },
      ],
      ignored: 0,
      skipped: 0,
    };
  },
});

const REGISTRY: readonly AnyProvider[] = [...PROVIDERS, acme];
type WithAcme = BounceSettings & { acme: { enabled: boolean; token: string; account: string } };

function settings(change: Partial<WithAcme['acme']> = {}): WithAcme {
  const s = defaultSettings(REGISTRY) as WithAcme;
  s.acme = { ...s.acme, ...change };
  return s;
}

function refusal(raw: unknown): string | undefined {
  try {
    validateSettings(raw, REGISTRY);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the served OpenAPI document', () => {
  it('lists every registry provider: webhook path, settings as read and as written', async () => {
    const res = await openApiRoute()(undefined as never, undefined as never);
    const doc = JSON.parse((res as { body: string }).body);
    const webhook = doc.paths['/webhooks/service/{provider}'].post;
    expect(webhook.parameters[0].schema.enum).toEqual(PROVIDERS.map((p) => p.name));
    for (const p of PROVIDERS) expect(webhook.description).toContain(`- \`${p.name}\`: `);
    expect(webhook.description).not.toContain('{providers}');
    for (const p of PROVIDERS) {
      expect(Object.keys(doc.components.schemas.Settings.properties[p.name].properties), p.name).toEqual([
        'enabled',
        ...p.settings.map((f) => f.key),
      ]);
      expect(doc.components.schemas.Settings.required, p.name).toContain(p.name);
      expect(doc.components.schemas.SettingsUpdate.properties[p.name], p.name).toBeDefined();
    }
  });
});

describe('a provider added to the registry gets everything from its one line', () => {
  it('a public POST route and its own function, told which provider it serves', () => {
    expect(routesFor(REGISTRY)).toContainEqual({
      method: 'POST',
      path: '/webhooks/service/acme',
      fn: 'acmeWebhook',
      auth: 'public',
    });
    expect(providerFunctions(REGISTRY).acmeWebhook).toEqual({
      entry: 'lambdas/handlers/webhooks/provider.ts',
      description: 'Acme Mail webhook',
      environment: { [PROVIDER_ENV]: 'acme' },
    });
  });

  it('settings defaults: off, blank fields', () => {
    expect(settings().acme).toEqual({ enabled: false, token: '', account: '' });
  });

  it('validation: any non-blank string is a token; a blank one cannot enable it; unknown fields are named', () => {
    expect(refusal(settings({ enabled: true, token: 'anything at all' }))).toBeUndefined();
    expect(refusal(settings({ enabled: true, token: ' \t ' }))).toBe(
      'acme.token: is required (not blank) while acme.enabled',
    );
    expect(refusal({ ...settings(), acme: { ...settings().acme, bogus: 1 } })).toBe(
      'acme.bogus: is not a known setting',
    );
    expect(refusal({ ...settings(), acme: { enabled: 'yes', token: '', account: '' } })).toBe(
      'acme.enabled: must be true or false',
    );
    // The optional text may stay blank while enabled.
    expect(refusal(settings({ enabled: true, token: 't', account: '' }))).toBeUndefined();
  });

  it('the token is masked on read, kept out of the stored document, and kept when sent back masked', () => {
    const s = settings({ enabled: true, token: 'acme-secret', account: 'shop' });
    expect((maskSecrets(s, REGISTRY) as WithAcme).acme).toEqual({
      enabled: true,
      token: MASK,
      account: 'shop',
    });
    const { plain, secrets } = splitSecrets(s, REGISTRY);
    expect((plain as WithAcme).acme.token).toBe('');
    expect(secrets['acme.token']).toBe('acme-secret');
    expect((joinSecrets(plain, secrets, REGISTRY) as WithAcme).acme.token).toBe('acme-secret');
    const resent = settings({ enabled: true, token: MASK });
    expect((keepUnchangedSecrets(resent, secrets, REGISTRY) as WithAcme).acme.token).toBe('acme-secret');
  });

  it('the OpenAPI document lists it: path enum, settings as read and as written', () => {
    const doc = openApiDocument(REGISTRY) as {
      paths: Record<string, { post: { parameters: Array<{ schema: { enum: string[] } }> } }>;
      components: {
        schemas: Record<string, { properties: Record<string, { properties: Record<string, unknown> }> }>;
      };
    };
    expect(doc.paths['/webhooks/service/{provider}']?.post.parameters[0]?.schema.enum).toContain('acme');
    const read = doc.components.schemas.Settings?.properties.acme?.properties;
    expect(read?.token).toMatchObject({ $ref: '#/components/schemas/MaskedSecret' });
    expect(doc.components.schemas.SettingsUpdate?.properties.acme?.properties.token).toMatchObject({
      type: 'string',
    });
  });

  it("the console's form is described for it", () => {
    expect(providerDescriptors(REGISTRY).at(-1)).toEqual({
      name: 'acme',
      title: 'Acme Mail',
      path: '/webhooks/service/acme',
      settings: [
        {
          key: 'token',
          kind: 'secret',
          description: 'Bearer token Acme sends',
          optional: false,
          default: '',
        },
        { key: 'account', kind: 'text', description: 'Acme account name', optional: true, default: '' },
      ],
    });
  });

  it('ingestion: its switch, its own slice for verification, the recording', async () => {
    const table = await testTable();
    let current: BounceSettings = { ...settings({ token: 't0ken' }), enabled: true, webhooks_enabled: true };
    const deps = {
      record: recordDepsOver(table),
      settings: { get: async () => current },
      certificates: { load: async () => '' },
      confirmer: { confirm: async () => undefined },
    };
    const request = {
      rawBody: Buffer.from('{"email":"ann@example.com"}'),
      headers: { authorization: 'Bearer t0ken' },
    };
    await expect(ingestProviderRequest(deps, acme, request)).rejects.toThrow(
      'acme webhooks (settings: acme.enabled) is disabled',
    );
    current = { ...current, acme: { enabled: true, token: 't0ken', account: '' } } as WithAcme;
    await expect(ingestProviderRequest(deps, acme, request)).resolves.toEqual({
      kind: 'recorded',
      recorded: 1,
      duplicates: 0,
      ignored: 0,
      skipped: 0,
    });
    await expect(
      ingestProviderRequest(deps, acme, { ...request, headers: { authorization: 'Bearer wrong' } }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
