import { beforeEach, describe, expect, it } from 'vitest';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const settings = effectiveSettings({ enabled: true }, { actions: { complaint: { action: 'delete' } } });

describe('subscribers API', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await apiHarness();
  });

  const put = (body: unknown) =>
    api.call({ method: 'PUT', resource: '/api/subscribers', body: body as object });

  it('upserts in bulk with an answer per item', async () => {
    const res = await put([
      { uuid: U1, email: 'Ann@Example.com', name: 'Ann', lists: { '1': 'confirmed' } },
      { uuid: U2, email: 'not-an-email' },
      { uuid: U2, email: 'ann@example.com' },
      { uuid: 'x', email: 'c@example.com' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ created: 1, updated: 0, errors: 3 });
    expect(
      res.body.data.results.map((r: { outcome: string; message?: string }) => r.message ?? r.outcome),
    ).toEqual([
      'created',
      expect.stringMatching(/^\[1\]\.email: /),
      expect.stringMatching(/^\[2\]\.email: appears earlier/),
      expect.stringMatching(/^\[3\]\.uuid: /),
    ]);
    const again = await put([
      { uuid: U1, email: 'ann@example.com', lists: { '1': 'confirmed', '2': 'unconfirmed' } },
    ]);
    expect(again.body.data).toMatchObject({ created: 0, updated: 1, errors: 0 });
  });

  it('refuses importing any spelling of an address deleted by a bounce action', async () => {
    await put([{ uuid: U1, email: 'tomb@x.example' }]);
    await recordBounce(api.record, settings, {
      email: 'tomb@x.example',
      type: 'complaint',
      reason: 'complaint',
      source: 'api',
      meta: {},
    });
    for (const email of ['"tomb"@x.example', '"T\\omb"@X.example', 'TOMB@x.example']) {
      const res = await put([{ uuid: U2, email }]);
      expect(res.body.data).toMatchObject({ created: 0, errors: 1 });
      expect(res.body.data.results[0].message).toMatch(/deleted by a bounce action/);
    }
  });

  it('refuses a body that is not an array, and more than 1000 items', async () => {
    expect((await put({ uuid: U1 })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ uuid: U1, email: `u${i}@example.com` }));
    expect((await put(many)).body.message).toMatch(/more than 1000/);
  });

  it('shows status, lists, counts per type and the action history', async () => {
    await put([{ uuid: U1, email: 'ann@example.com', lists: { '1': 'confirmed' } }]);
    await recordBounce(api.record, settings, {
      email: 'ann@example.com',
      type: 'soft',
      reason: 'unknown',
      source: 'api',
      meta: {},
    });
    await recordBounce(api.record, settings, {
      email: 'ann@example.com',
      type: 'hard',
      reason: 'user_unknown',
      source: 'api',
      meta: {},
    });
    const res = await api.call({ resource: '/api/subscribers/{uuid}', pathParameters: { uuid: U1 } });
    expect(res.body.data).toMatchObject({
      uuid: U1,
      email: 'ann@example.com',
      status: 'blocklisted',
      lists: { '1': 'unsubscribed' },
      bounce_counts: { hard: 1, soft: 1, complaint: 0 },
      history: [expect.objectContaining({ action: 'blocklist', type: 'hard' })],
    });
  });

  it('re-enabling a blocklisted subscriber lets the next hard bounce blocklist again', async () => {
    await put([{ uuid: U1, email: 'ann@example.com' }]);
    const hard = {
      email: 'ann@example.com',
      type: 'hard' as const,
      reason: 'user_unknown' as const,
      source: 'api',
      meta: {},
    };
    expect((await recordBounce(api.record, settings, hard)).action).toBe('blocklist');
    await put([{ uuid: U1, email: 'ann@example.com', status: 'enabled' }]);
    expect((await recordBounce(api.record, settings, hard)).action).toBe('blocklist');
  });

  it('refuses to import an address a delete action removed', async () => {
    await put([{ uuid: U1, email: 'ann@example.com' }]);
    await recordBounce(api.record, settings, {
      email: 'ann@example.com',
      type: 'complaint',
      reason: 'complaint',
      source: 'api',
      meta: {},
    });
    const res = await put([{ uuid: U1, email: 'ann@example.com' }]);
    expect(res.body.data.results[0]).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(/deleted/),
    });
    expect(
      (await api.call({ resource: '/api/subscribers/{uuid}', pathParameters: { uuid: U1 } })).status,
    ).toBe(404);
  });

  it("lists and deletes one subscriber's bounces", async () => {
    await put([{ uuid: U1, email: 'ann@example.com' }]);
    for (let i = 0; i < 3; i++) {
      await recordBounce(api.record, settings, {
        email: 'ann@example.com',
        type: 'soft',
        reason: 'unknown',
        source: 'api',
        meta: {},
      });
    }
    await recordBounce(api.record, settings, {
      email: 'bob@example.com',
      type: 'soft',
      reason: 'unknown',
      source: 'api',
      meta: {},
    });
    const path = { resource: '/api/subscribers/{uuid}/bounces', pathParameters: { uuid: U1 } };
    expect((await api.call(path)).body.data.results).toHaveLength(3);
    expect((await api.call({ ...path, method: 'DELETE' })).body.data).toEqual({ deleted: 3, more: false });
    expect((await api.call(path)).body.data.results).toHaveLength(0);
    expect(await api.table.bounces.count('bob@example.com', 'soft')).toBe(1);
  });

  it('answers 404 for an unknown uuid and 400 for a malformed one', async () => {
    expect(
      (await api.call({ resource: '/api/subscribers/{uuid}', pathParameters: { uuid: U2 } })).status,
    ).toBe(404);
    expect(
      (await api.call({ resource: '/api/subscribers/{uuid}', pathParameters: { uuid: 'x' } })).status,
    ).toBe(400);
  });
});
