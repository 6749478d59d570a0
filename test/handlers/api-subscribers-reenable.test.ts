import { beforeEach, describe, expect, it } from 'vitest';
import type { BounceInput } from '../../lambdas/core/bounces/bounce.js';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { type BounceSettings, effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import type { EventOptions } from '../support/events.js';
import type { RecordingPublisher } from '../support/fakes.js';

const ANN = '11111111-1111-4111-8111-111111111111';

const hard = (email: string, extra: Partial<BounceInput> = {}): BounceInput => ({
  email,
  type: 'hard',
  reason: 'user_unknown',
  source: 'api',
  meta: {},
  ...extra,
});

describe('finding a subscriber by address', () => {
  let api: ApiHarness;
  const settings = effectiveSettings({ enabled: true }, { actions: { complaint: { action: 'delete' } } });
  beforeEach(async () => {
    api = await apiHarness();
  });
  const find = (query: EventOptions['query'], extra: Partial<EventOptions> = {}) =>
    api.call({ resource: '/api/subscribers', query, ...extra });

  it('finds the bare record a bounce created for an unknown address, its uuid null', async () => {
    await recordBounce(api.record, settings, hard('nobody@example.com'));
    const res = await find({ email: '  NoBody@Example.COM ' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({
      uuid: null,
      email: 'nobody@example.com',
      status: 'blocklisted',
      bounce_counts: { hard: 1, soft: 0, complaint: 0 },
      history: [expect.objectContaining({ action: 'blocklist', type: 'hard' })],
    });
  });

  it('finds an imported subscriber with its uuid and lists', async () => {
    await api.call({
      method: 'PUT',
      resource: '/api/subscribers',
      body: [{ uuid: ANN, email: 'ann@example.com', lists: { '1': 'confirmed' } }],
    });
    const res = await find({ email: 'ann@example.com' });
    expect(res.body.data).toMatchObject({ uuid: ANN, lists: { '1': 'confirmed' }, status: 'enabled' });
  });

  it('answers 404 for an address it never saw, and says so for one a delete action erased', async () => {
    expect((await find({ email: 'ghost@example.com' })).status).toBe(404);
    await recordBounce(
      api.record,
      settings,
      hard('gone@example.com', { type: 'complaint', reason: 'complaint' }),
    );
    const gone = await find({ email: 'gone@example.com' });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toMatch(/deleted by a bounce action/);
  });

  it('refuses a missing, malformed, repeated or unknown parameter with a 400 naming it', async () => {
    expect((await find({})).body.message).toMatch(/^email: is required/);
    expect((await find({ email: 'not an address' })).body.message).toMatch(/^email: /);
    expect((await find({ email: ['a@example.com', 'b@example.com'] })).body.message).toMatch(/^email: /);
    expect((await find({ email: 'a@example.com', query: "name = 'x'" })).body.message).toMatch(/^query: /);
  });

  it('needs subscribers:get', async () => {
    expect((await find({ email: 'a@example.com' }, { permissions: ['bounces:get'] })).status).toBe(403);
  });
});

describe('re-enabling a subscriber', () => {
  let api: ApiHarness;
  let events: RecordingPublisher;
  let settings: BounceSettings;
  beforeEach(async () => {
    api = await apiHarness();
    events = api.record.events as RecordingPublisher;
    settings = effectiveSettings({ enabled: true }, undefined);
    await api.call({
      method: 'PUT',
      resource: '/api/subscribers',
      body: [{ uuid: ANN, email: 'ann@example.com', lists: { '1': 'confirmed', '2': 'unconfirmed' } }],
    });
  });

  const reenable = (ref: string, extra: Partial<EventOptions> = {}) => {
    api.clock.advance(1000);
    return api.call({
      method: 'POST',
      resource: '/api/subscribers/{uuid}/reenable',
      path: `/api/subscribers/${ref}/reenable`,
      pathParameters: { uuid: ref },
      ...extra,
    });
  };
  const record = async (input: BounceInput) => {
    api.clock.advance(60_000);
    return recordBounce(api.record, settings, input);
  };

  it('puts a blocklisted subscriber back to enabled, lists left as the action set them', async () => {
    expect((await record(hard('ann@example.com'))).action).toBe('blocklist');
    const res = await reenable(ANN);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({
      uuid: ANN,
      status: 'enabled',
      lists: { '1': 'unsubscribed', '2': 'unsubscribed' },
    });
  });

  it('adds a reenabled entry, with who did it, to the action history', async () => {
    await record(hard('ann@example.com'));
    const res = await reenable(ANN);
    expect(res.body.data.history).toEqual([
      expect.objectContaining({ action: 'blocklist', type: 'hard' }),
      { action: 'reenabled', at: api.clock.now().toISOString(), by: 'tester' },
    ]);
  });

  it('publishes a subscriber.reenabled event', async () => {
    await record(hard('ann@example.com'));
    events.events.length = 0;
    await reenable(ANN);
    expect(events.events).toEqual([
      {
        type: 'subscriber.reenabled',
        email: 'ann@example.com',
        subscriber_uuid: ANN,
        at: api.clock.now().toISOString(),
        by: 'tester',
      },
    ]);
  });

  it('re-arms the actions: the next hard bounce blocklists again', async () => {
    await record(hard('ann@example.com'));
    await reenable(ANN);
    const again = await record(hard('ann@example.com'));
    expect(again.action).toBe('blocklist');
    expect((await api.record.subscribers.findByUuid(ANN))?.status).toBe('blocklisted');
  });

  it('counts only bounces after the re-enable toward the next threshold', async () => {
    settings = effectiveSettings({ enabled: true }, { actions: { soft: { count: 2, action: 'blocklist' } } });
    const soft = hard('ann@example.com', { type: 'soft', reason: 'mailbox_full' });
    await record(soft);
    expect((await record(soft)).action).toBe('blocklist');
    await reenable(ANN);
    expect((await record(soft)).action).toBe('none');
    expect((await api.record.subscribers.findByUuid(ANN))?.status).toBe('enabled');
    expect((await record(soft)).action).toBe('blocklist');
  });

  it('finds the subscriber by e-mail address too, also a bare record without uuid', async () => {
    await record(hard('bare@example.com'));
    const res = await reenable('Bare%40Example.com');
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ uuid: null, email: 'bare@example.com', status: 'enabled' });
    expect(events.events.at(-1)).toEqual({
      type: 'subscriber.reenabled',
      email: 'bare@example.com',
      at: api.clock.now().toISOString(),
      by: 'tester',
    });
  });

  it('answers 404 for an unknown uuid or address, 400 for a reference that is neither', async () => {
    expect((await reenable('99999999-9999-4999-8999-999999999999')).status).toBe(404);
    expect((await reenable('ghost@example.com')).status).toBe(404);
    const bad = await reenable('ann');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^uuid: /);
  });

  it('needs subscribers:manage', async () => {
    expect((await reenable(ANN, { permissions: ['subscribers:get'] })).status).toBe(403);
  });
});
