import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../../bin/local/local-service.js';
import { lambdaContext } from '../../../bin/local/to-event.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { httpFunction } from '../../../lambdas/handlers/http/http-function.js';
import { ok } from '../../../lambdas/handlers/http/responses.js';
import { API_CSP } from '../../../lambdas/handlers/http/security-headers.js';
import type { HttpEvent, HttpResult } from '../../../lambdas/handlers/http/types.js';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const TOKEN = 'headers-test-token-0123456789';

function header(result: HttpResult, name: string): unknown {
  const entry = Object.entries(result.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

function expectApiHeaders(get: (name: string) => unknown) {
  expect(get('Content-Security-Policy')).toBe(API_CSP);
  expect(get('X-Content-Type-Options')).toBe('nosniff');
  expect(get('Referrer-Policy')).toBe('no-referrer');
  expect(get('X-Frame-Options')).toBe('DENY');
}

const invoke = (fn: ReturnType<typeof httpFunction>) =>
  fn({ httpMethod: 'GET', path: '/x', headers: {} } as unknown as HttpEvent, lambdaContext('t'));

describe('security headers on every answer of an HTTP function', () => {
  it('adds them to an answer the handler made', async () => {
    const result = await invoke(httpFunction(async () => ok({ a: 1 }), logger));
    expect(result.statusCode).toBe(200);
    expectApiHeaders((name) => header(result, name));
  });

  it('adds them to an error the handler threw', async () => {
    const result = await invoke(
      httpFunction(async () => {
        throw new ValidationError('email', 'is required');
      }, logger),
    );
    expect(result.statusCode).toBe(400);
    expectApiHeaders((name) => header(result, name));
  });

  it('adds them to a 500 for an unexpected failure', async () => {
    const result = await invoke(
      httpFunction(async () => {
        throw new Error('boom');
      }, logger),
    );
    expect(result.statusCode).toBe(500);
    expectApiHeaders((name) => header(result, name));
  });

  it("keeps a policy the handler set itself (the console's)", async () => {
    const own = "default-src 'none'; script-src 'self'; frame-ancestors 'none'";
    const result = await invoke(
      httpFunction(
        async () => ({ statusCode: 200, headers: { 'content-security-policy': own }, body: '' }),
        logger,
      ),
    );
    expect(header(result, 'Content-Security-Policy')).toBe(own);
    expect(header(result, 'X-Content-Type-Options')).toBe('nosniff');
  });
});

describe('security headers as the local service answers', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      user: 'ops',
      token: TOKEN,
      scanEveryMs: 0,
      console: true,
      logger,
    });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  const auth = { Authorization: `token ops:${TOKEN}` };

  it.each([
    ['an API answer', '/api/stats', auth, 200],
    ['an API error', '/api/bounces?per_page=0', auth, 400],
    ['a refused sign-in', '/api/stats', { Authorization: 'token ops:wrong' }, 401],
    ['a path with no route', '/nowhere', {}, 404],
  ])('on %s', async (_what, path, headers, status) => {
    const res = await fetch(`${service.url}${path}`, { headers });
    expect(res.status).toBe(status);
    expectApiHeaders((name) => res.headers.get(name));
  });

  it('on a webhook answer', async () => {
    const res = await fetch(`${service.url}/webhooks/bounce`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'headers@example.com', type: 'soft', source: 'api' }),
    });
    expect(res.status).toBe(200);
    expectApiHeaders((name) => res.headers.get(name));
  });

  it("on the console, with the console's own policy", async () => {
    const res = await fetch(`${service.url}/console/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
  });
});
