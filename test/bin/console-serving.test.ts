import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';

const TOKEN = 'serving-test-token-0123456789';

/** The console's files as `npm start` serves them (no browser needed: npm run test:browser has one). */
describe('console at /console/ (local service)', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      user: 'ops',
      token: TOKEN,
      scanEveryMs: 0,
      console: true,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  it.each([
    ['/console/', 'text/html'],
    ['/console/app.js', 'text/javascript'],
    ['/console/app.css', 'text/css'],
  ])('serves %s with the strict headers', async (path, type) => {
    const res = await fetch(`${service.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain(type);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    const body = await res.text();
    expect(body).not.toContain(TOKEN);
    // Nothing is loaded from elsewhere.
    expect(body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('has no inline script in the page', async () => {
    const html = await (await fetch(`${service.url}/console/`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('redirects /console to /console/ and answers 404 for other files', async () => {
    const moved = await fetch(`${service.url}/console`, { redirect: 'manual' });
    expect(moved.status).toBe(308);
    expect(new URL(moved.headers.get('Location') ?? '', moved.url).pathname).toBe('/console/');
    expect((await fetch(`${service.url}/console/../package.json`)).status).not.toBe(200);
    expect((await fetch(`${service.url}/console/app.js.map`)).status).toBe(404);
  });

  it("answers the console's refused sign-in without a challenge, and others with one", async () => {
    const wrong = { Authorization: 'token ops:wrong-token' };
    const fromConsole = await fetch(`${service.url}/api/stats`, {
      headers: { ...wrong, 'X-Requested-With': 'stmails-console' },
    });
    expect(fromConsole.status).toBe(401);
    expect(fromConsole.headers.get('WWW-Authenticate')).toBeNull();
    const fromCurl = await fetch(`${service.url}/api/stats`, { headers: wrong });
    expect(fromCurl.status).toBe(401);
    expect(fromCurl.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
  });
});
