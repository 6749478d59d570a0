import { beforeEach, describe, expect, it } from 'vitest';
import type { BounceInput } from '../../lambdas/core/bounces/bounce.js';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';

const settings = effectiveSettings(
  { enabled: true },
  { actions: { hard: { action: 'none' }, complaint: { action: 'none' } } },
);

describe('deleting bounces', () => {
  let api: ApiHarness;

  async function record(overrides: Partial<BounceInput>) {
    api.clock.advance(1000);
    const r = await recordBounce(api.record, settings, {
      email: 'ann@example.com',
      type: 'soft',
      reason: 'unknown',
      source: 'api',
      meta: {},
      ...overrides,
    });
    return r.id as string;
  }

  async function remaining() {
    const res = await api.call({ resource: '/api/bounces', query: { per_page: '1000' } });
    return (res.body.data.results as { id: string }[]).map((b) => b.id);
  }

  beforeEach(async () => {
    api = await apiHarness();
  });

  it('DELETE /api/bounces/{id} deletes one, then answers 404', async () => {
    const id = await record({});
    const keep = await record({});
    const del = () => api.call({ method: 'DELETE', resource: '/api/bounces/{id}', pathParameters: { id } });
    expect((await del()).body).toEqual({ data: { deleted: 1, more: false } });
    expect((await del()).status).toBe(404);
    expect(await remaining()).toEqual([keep]);
  });

  it('deletes repeated ids, counting only those that existed', async () => {
    const a = await record({});
    const b = await record({});
    const c = await record({});
    const res = await api.call({
      method: 'DELETE',
      resource: '/api/bounces',
      query: { id: [a, b, '01JD0000000000000000000999'] },
    });
    expect(res.body.data).toEqual({ deleted: 2, more: false });
    expect(await remaining()).toEqual([c]);
  });

  it('deletes what the filters match and never more', async () => {
    const ses = await record({ source: 'ses' });
    await record({ source: 'api' });
    await record({ source: 'ses', type: 'hard' });
    const res = await api.call({
      method: 'DELETE',
      resource: '/api/bounces',
      query: { source: 'ses', type: 'soft' },
    });
    expect(res.body.data).toEqual({ deleted: 1, more: false });
    expect(await remaining()).not.toContain(ses);
    expect(await remaining()).toHaveLength(2);
  });

  it('all=true alone deletes everything', async () => {
    await record({});
    await record({ email: 'bob@example.com' });
    expect(
      (await api.call({ method: 'DELETE', resource: '/api/bounces', query: { all: 'true' } })).body.data,
    ).toEqual({
      deleted: 2,
      more: false,
    });
    expect(await remaining()).toEqual([]);
  });

  it.each([
    [{}, /^id: or a filter/],
    [{ all: 'true', source: 'ses' }, /^all: must be given alone/],
    [{ all: 'yes' }, /^all: must be true/],
    [{ id: '01JD0000000000000000000001', source: 'ses' }, /^id: cannot be combined/],
    [{ id: 'not-an-id' }, /^id: /],
    [{ nonsense: '1' }, /^nonsense: is not a known parameter/],
  ])('refuses %j with a 400', async (query, pattern) => {
    await record({});
    const res = await api.call({ method: 'DELETE', resource: '/api/bounces', query });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(pattern);
    expect(await remaining()).toHaveLength(1);
  });

  it('later counts follow what is stored', async () => {
    const first = await record({});
    await api.call({ method: 'DELETE', resource: '/api/bounces/{id}', pathParameters: { id: first } });
    expect(await api.table.bounces.count('ann@example.com', 'soft')).toBe(0);
    const soft = {
      ...settings,
      actions: { ...settings.actions, soft: { count: 2, action: 'blocklist' as const, window_days: 0 } },
    };
    const r = await recordBounce(api.record, soft, {
      email: 'ann@example.com',
      type: 'soft',
      reason: 'unknown',
      source: 'api',
      meta: {},
    });
    expect(r.action).toBe('none');
  });

  it('a redelivered event after its bounce was deleted stays deleted', async () => {
    const id = await record({ event_key: 'ses:evt-1' });
    await api.call({ method: 'DELETE', resource: '/api/bounces/{id}', pathParameters: { id } });
    const again = await recordBounce(api.record, settings, {
      email: 'ann@example.com',
      type: 'soft',
      reason: 'unknown',
      source: 'ses',
      meta: {},
      event_key: 'ses:evt-1',
    });
    expect(again).toMatchObject({ id, duplicate: true });
    expect(await remaining()).toEqual([]);
  });
});
