import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchTokenEndpoint } from '../../../lambdas/adapters/oauth2/fetch-token-endpoint.js';
import { OAuth2TestServer } from '../../support/oauth2-server.js';

describe('FetchTokenEndpoint', () => {
  let server: OAuth2TestServer;
  beforeAll(async () => {
    server = await OAuth2TestServer.start();
    server.refreshTokens.set('rt-good', 'someone@example.test');
  });
  afterAll(() => server.close());

  it('posts the form and answers the status and JSON body', async () => {
    const endpoint = new FetchTokenEndpoint();
    const ok = await endpoint.post(server.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'rt-good',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ access_token: expect.any(String), expires_in: 3600 });
    expect(server.requests.at(-1)?.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-good' });
    const refused = await endpoint.post(server.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'rt-bad',
    });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses plain http anywhere but loopback, before any request', async () => {
    const before = server.requests.length;
    await expect(new FetchTokenEndpoint().post('http://192.0.2.1/token', {})).rejects.toThrow(/https/);
    expect(server.requests.length).toBe(before);
  });
});
