import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';
import { PERMISSIONS } from '../../lambdas/core/access/permissions.js';
import { providerNamed } from '../../lambdas/core/providers/registry.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';

const SAMPLE: Record<string, string> = {
  id: '01JD0000000000000000000001',
  uuid: '11111111-1111-4111-8111-111111111111',
};

function concretePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => SAMPLE[name] ?? 'x');
}

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

/** Every route of the table, through the local server: each API route refuses a user without its permission. */
describe('permission matrix (route table)', () => {
  let service: LocalService;

  beforeAll(async () => {
    const users = ROUTES.filter((r) => r.permission).map((r) => ({
      name: `lacks-${r.method}-${r.path}`.replace(/[^A-Za-z0-9_.@-]/g, '_'),
      token: 'matrix-token-0123456789',
      permissions: PERMISSIONS.filter((p) => p !== r.permission),
    }));
    service = await startLocalService({ port: 0, logger: new Logger({ logLevel: 'SILENT' }), users });
  });
  afterAll(() => service.close());

  for (const route of ROUTES.filter((r) => r.auth === 'api')) {
    it(`${route.method} ${route.path}: 403 without ${route.permission}, 401 without credentials`, async () => {
      const url = `${service.url}${concretePath(route.path)}`;
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
      const user = `lacks-${route.method}-${route.path}`.replace(/[^A-Za-z0-9_.@-]/g, '_');
      const forbidden = await fetch(url, {
        method: route.method,
        headers: { Authorization: basic(user, 'matrix-token-0123456789') },
        ...(body ? { body } : {}),
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toEqual({ message: `permission denied: ${route.permission}` });
      const anonymous = await fetch(url, { method: route.method, ...(body ? { body } : {}) });
      expect(anonymous.status).toBe(401);
    });
  }

  // One per registry provider: no gateway auth; the provider's own switch answers (or, for one that
  // verifies first, its own verification of this empty body).
  for (const route of ROUTES.filter((r) => r.auth === 'public' && r.method === 'POST')) {
    it(`${route.method} ${route.path} needs no API user and reaches its provider`, async () => {
      const name = route.path.split('/').pop();
      const res = await fetch(`${service.url}${route.path}`, { method: 'POST', body: '{}' });
      const { message } = (await res.json()) as { message: string };
      const provider = providerNamed(name ?? '');
      if (provider?.verifiesBeforeEnabledCheck) expect(res.status).toBe(401);
      else {
        // 503, or the provider's own answer to a temporary failure (Brevo: 429).
        expect(res.status).toBe(provider?.retryAnswer ?? 503);
        expect(message).toMatch(
          new RegExp(`^${name} webhooks \\(settings: ${name}\\.enabled\\) is disabled`),
        );
      }
    });
  }

  for (const route of ROUTES.filter((r) => r.auth === 'public' && r.method === 'GET')) {
    it(`${route.method} ${route.path} is public`, async () => {
      expect((await fetch(`${service.url}${concretePath(route.path)}`)).status).toBe(200);
    });
  }
});
