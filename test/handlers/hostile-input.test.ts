import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../lambdas/core/json-depth.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpHandler } from '../../lambdas/handlers/http/types.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import { recordDepsOver, testTable } from '../support/dynamodb.js';
import { apiEvent } from '../support/events.js';
import { silentLogger } from '../support/fakes.js';
import { HOSTILE_VALUES, MALFORMED_ESCAPES } from '../support/hostile-values.js';

/** `{"a": {"a": ... 1}}`, `levels` objects deep, built as text so building it needs no recursion. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

const PARAM_ROUTES = ROUTES.filter((r) => /\{\w+\}/.test(r.path));

describe('deeply nested JSON', () => {
  let webhook: HttpHandler;
  beforeAll(async () => {
    const table = await testTable();
    const settings = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
    const raw = createWebhookBounceHandler({
      record: recordDepsOver(table),
      settings: { get: async () => settings },
      authMode: 'basic',
    });
    webhook = (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
  });

  async function post(body: string) {
    const res = await webhook(apiEvent({ method: 'POST', resource: '/webhooks/bounce', body }));
    return { status: res.statusCode, message: JSON.parse(res.body).message as string | undefined };
  }
  const bounce = (meta: string) => `{"email":"deep@example.com","source":"api","type":"soft","meta":${meta}}`;

  it('answers meta nested 5,000 levels deep with a 400 naming meta', async () => {
    const res = await post(bounce(nested(5000)));
    expect(res).toEqual({ status: 400, message: `meta: is nested more than ${MAX_JSON_DEPTH} levels deep` });
  });

  it('answers meta given as a string holding deeply nested JSON with a 400 naming meta', async () => {
    const res = await post(bounce(JSON.stringify(nested(5000))));
    expect(res).toEqual({ status: 400, message: `meta: is nested more than ${MAX_JSON_DEPTH} levels deep` });
  });

  it(`accepts meta nested ${MAX_JSON_DEPTH} levels deep and refuses one level more`, async () => {
    expect((await post(bounce(nested(MAX_JSON_DEPTH)))).status).toBe(200);
    expect((await post(bounce(JSON.stringify(nested(MAX_JSON_DEPTH + 1))))).status).toBe(400);
  });

  it('answers a deeply nested array with a 400 too', async () => {
    const res = await post(bounce(`{"list":${'['.repeat(100_000)}${']'.repeat(100_000)}}`));
    expect(res.status).toBe(400);
    expect(res.message).toMatch(/^meta: is nested more than/);
  });

  describe('in the API bodies', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await apiHarness();
    });

    it('refuses a settings document with a deep field by a 400 naming the field', async () => {
      const res = await api.call({
        method: 'PUT',
        resource: '/api/settings/bounce',
        headers: { 'If-Match': '"0"' },
        body: `{"sendgrid":${nested(5000)}}`,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^sendgrid: is nested more than/);
    });

    it('refuses a subscriber batch with a deep item by a 400 naming the item', async () => {
      const res = await api.call({
        method: 'PUT',
        resource: '/api/subscribers',
        body: `[{"uuid":"11111111-1111-4111-8111-111111111111","email":"a@example.com"},${nested(5000)}]`,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^\[1\]: is nested more than/);
    });
  });
});

describe('hostile path parameters (every route of the route table that has one)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await apiHarness();
  });

  it('covers the routes with path parameters, all served by the API function', () => {
    expect(PARAM_ROUTES.length).toBeGreaterThanOrEqual(5);
    // A route with a path parameter on another function needs its own handler here.
    for (const route of PARAM_ROUTES) expect(route.fn, `${route.method} ${route.path}`).toBe('api');
  });

  for (const route of PARAM_ROUTES) {
    const name = /\{(\w+)\}/.exec(route.path)?.[1] as string;
    const call = (value: string) =>
      api.call({
        method: route.method,
        resource: route.path,
        path: route.path.replace(`{${name}}`, value),
        pathParameters: { [name]: value },
        ...(route.method === 'POST' || route.method === 'PUT' ? { body: '{}' } : {}),
      });

    it(`${route.method} ${route.path}: a malformed escape is a 400 naming ${name}`, async () => {
      for (const value of MALFORMED_ESCAPES) {
        const res = await call(value);
        expect(res.status, `${value}: ${res.text}`).toBe(400);
        expect(res.body.message, value).toMatch(new RegExp(`^${name}: is not valid percent-encoding`));
      }
    });

    it(`${route.method} ${route.path}: hostile values are a 400 or 404, never a 500`, async () => {
      for (const value of HOSTILE_VALUES) {
        const res = await call(value);
        expect([400, 404], `${value.slice(0, 60)}: ${res.status} ${res.text.slice(0, 200)}`).toContain(
          res.status,
        );
      }
    });

    it(`${route.method} ${route.path}: the gateway may hand the value over decoded or not`, async () => {
      const absent = name === 'id' ? '01JD0000000000000000000999' : '99999999-9999-4999-8999-999999999999';
      const plain = await call(absent);
      const encoded = await call(absent.replace(/-/g, '%2D').replace(/^0/, '%30'));
      expect(encoded.status, encoded.text).toBe(plain.status);
      expect(encoded.body, encoded.text).toEqual(plain.body);
    });
  }
});
