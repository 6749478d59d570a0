import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { HOSTILE_VALUES, MALFORMED_ESCAPES } from '../support/hostile-values.js';

const PARAM_ROUTES = ROUTES.filter((r) => /\{\w+\}/.test(r.path));

/** The local server (npm start) with hostile path parameters on every route that has one. */
describe('local server: hostile path parameters', () => {
  let service: LocalService;
  let auth: string;
  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      logger: new Logger({ logLevel: 'SILENT' }),
      scanEveryMs: 0,
    });
    auth = `Basic ${Buffer.from(`${service.user.name}:${service.user.token}`).toString('base64')}`;
  });
  afterAll(() => service.close());

  for (const route of PARAM_ROUTES) {
    const name = /\{(\w+)\}/.exec(route.path)?.[1] as string;
    const request = (value: string, withAuth = true) =>
      fetch(`${service.url}${route.path.replace(`{${name}}`, value)}`, {
        method: route.method,
        headers: withAuth ? { Authorization: auth } : {},
        ...(route.method === 'POST' || route.method === 'PUT' ? { body: '{}' } : {}),
      });

    it(`${route.method} ${route.path}: a malformed escape is a 400 naming ${name} (401 without credentials)`, async () => {
      for (const value of MALFORMED_ESCAPES) {
        const res = await request(value);
        const body = (await res.json()) as { message: string };
        expect(res.status, `${value}: ${body.message}`).toBe(400);
        expect(body.message).toMatch(new RegExp(`^${name}: is not valid percent-encoding`));
        expect((await request(value, false)).status, value).toBe(401);
      }
    });

    it(`${route.method} ${route.path}: hostile values are a 400 or 404, never a 500`, async () => {
      for (const value of HOSTILE_VALUES) {
        const res = await request(value);
        expect([400, 404], `${value.slice(0, 60)}: ${res.status} ${await res.text()}`).toContain(res.status);
      }
    });
  }
});
