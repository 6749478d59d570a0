import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKOFF_MS } from '../../../lambdas/core/outbound/backoff.js';
import type { EventDocument } from '../../../lambdas/core/outbound/event-document.js';
import { FakeListmonk } from '../../support/outbound/fake-listmonk.js';
import {
  assertValidEvent,
  newSecret,
  type OutboundHarness,
  outboundHarness,
} from '../../support/outbound/outbound-harness.js';
import { WebhookReceiver } from '../../support/outbound/receiver.js';

const APP_UUID = '7c0e6a1f-2b3d-4c5e-8f90-a1b2c3d4e5f6';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function withWebhook(events?: string[]) {
  const secret = newSecret();
  const receiver = await new WebhookReceiver(secret).start();
  closers.push(() => receiver.close());
  const h = await outboundHarness({ timeoutMs: 300 });
  await h.configure({ webhooks: [{ url: receiver.url, secret, ...(events ? { events } : {}) }] });
  return { h, receiver };
}

function docs(receiver: WebhookReceiver): EventDocument[] {
  return receiver.delivered.map((r) => assertValidEvent(r.payload));
}

async function advanceAndDispatch(h: OutboundHarness, ms: number) {
  h.clock.advance(ms);
  return h.dispatch();
}

describe('outbound: signed webhooks', () => {
  it('delivers a blocklist action as a signed event that verifies and matches its schema', async () => {
    const { h, receiver } = await withWebhook();
    await h.bounce({ subscriber_uuid: APP_UUID, status: '5.1.1' });
    await h.dispatch();
    const [doc] = docs(receiver);
    expect(doc).toMatchObject({
      type: 'subscriber.blocklisted',
      data: {
        subscriber: { uuid: APP_UUID, email: 'ann@example.com' },
        action: 'blocklist',
        bounce: { type: 'hard', reason: 'user_unknown', status: '5.1.1', source: 'api' },
        counts: { type: 'hard', count: 1 },
      },
    });
    expect(receiver.received[0]?.id).toBe(doc?.data.event_id);
  });

  it('stores the event, pending, before the recording returns (so before any webhook answers 200)', async () => {
    const { h, receiver } = await withWebhook();
    await h.bounce({});
    const [item] = await h.items();
    expect(item?.doc.type).toBe('subscriber.blocklisted');
    expect(Object.values(item?.deliveries ?? {}).map((d) => d.status)).toEqual(['pending']);
    expect(receiver.received).toHaveLength(0);
  });

  it('publishes the same document on the event bus', async () => {
    const { h, receiver } = await withWebhook();
    await h.bounce({});
    await h.dispatch();
    expect(h.bus.events.map((e) => e.type)).toEqual(['subscriber.blocklisted']);
    expect(docs(receiver)[0]?.type).toBe('subscriber.blocklisted');
  });

  it('stores nothing for a bounce that fires no action when no sink wants every bounce', async () => {
    const { h } = await withWebhook();
    h.table.resetCommands();
    await h.bounce({ type: 'soft', reason: 'mailbox_full' });
    expect(await h.items()).toEqual([]);
  });

  it('sends bounce.recorded before the action, in order, to a sink that asks for both', async () => {
    const { h, receiver } = await withWebhook(['bounce.recorded', 'subscriber.blocklisted']);
    await h.bounce({});
    await h.dispatch();
    expect(docs(receiver).map((d) => d.type)).toEqual(['bounce.recorded', 'subscriber.blocklisted']);
  });

  it('retries while the receiver is down, then delivers each event once and in order', async () => {
    const { h, receiver } = await withWebhook(['bounce.recorded', 'subscriber.blocklisted']);
    receiver.plan = ['down', 'down', 'down', 'ok'];
    await h.bounce({});
    await h.dispatch();
    for (const delay of BACKOFF_MS.slice(0, 3)) await advanceAndDispatch(h, delay);
    await advanceAndDispatch(h, BACKOFF_MS[3] as number);
    expect(docs(receiver).map((d) => d.type)).toEqual(['bounce.recorded', 'subscriber.blocklisted']);
    expect(receiver.delivered).toHaveLength(2);
    const items = await h.items();
    expect(items.flatMap((i) => Object.values(i.deliveries).map((d) => d.status))).toEqual([
      'delivered',
      'delivered',
    ]);
  });

  it('keeps a 500 pending with its error and the next attempt time', async () => {
    const { h, receiver } = await withWebhook();
    receiver.plan = [500];
    await h.bounce({});
    await h.dispatch();
    const [item] = await h.items();
    const [state] = Object.values(item?.deliveries ?? {});
    expect(state).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringContaining('500'),
    });
    expect(Date.parse(state?.next_attempt_at ?? '')).toBe(h.clock.now().getTime() + 5_000);
  });

  it('dead-letters after the last scheduled attempt', async () => {
    const { h, receiver } = await withWebhook();
    receiver.plan = [500];
    await h.bounce({});
    await h.dispatch();
    for (const delay of BACKOFF_MS) await advanceAndDispatch(h, delay);
    const [item] = await h.items();
    expect(Object.values(item?.deliveries ?? {})[0]).toMatchObject({ status: 'failed', attempts: 8 });
    expect(h.deadLetters).toHaveLength(1);
  });

  it('retries a receiver that hangs past the timeout', async () => {
    const { h, receiver } = await withWebhook();
    receiver.plan = ['hang', 'ok'];
    await h.bounce({});
    await h.dispatch();
    const [first] = await h.items();
    expect(Object.values(first?.deliveries ?? {})[0]).toMatchObject({
      status: 'pending',
      last_error: expect.stringContaining('no answer'),
    });
    await advanceAndDispatch(h, 5_000);
    expect(docs(receiver)).toHaveLength(1);
  });

  it('dead-letters a 410 at once', async () => {
    const { h, receiver } = await withWebhook();
    receiver.plan = [410];
    await h.bounce({});
    await h.dispatch();
    const [item] = await h.items();
    expect(Object.values(item?.deliveries ?? {})[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('waits with a later event until the earlier one of the same subscriber is delivered', async () => {
    const { h, receiver } = await withWebhook(['bounce.recorded']);
    receiver.plan = [500, 'ok'];
    await h.bounce({ type: 'soft', reason: 'mailbox_full' });
    await h.dispatch();
    h.clock.advance(1_000);
    await h.bounce({ type: 'soft', reason: 'mailbox_full' });
    await h.dispatch();
    // Only the first event's failed attempt reached the receiver: the second waits behind it.
    expect(receiver.received).toHaveLength(1);
    await advanceAndDispatch(h, 5_000);
    const delivered = docs(receiver);
    expect(delivered).toHaveLength(2);
    expect((delivered[0]?.data.bounce?.id ?? '') < (delivered[1]?.data.bounce?.id ?? '')).toBe(true);
  });

  it('keeps only the SHA-256 of a deleted address once every sink delivered it', async () => {
    const { h, receiver } = await withWebhook();
    await h.configure(undefined, { hard: { count: 1, action: 'delete', window_days: 0 } });
    await h.bounce({ subscriber_uuid: APP_UUID });
    await h.dispatch();
    const [doc] = docs(receiver);
    expect(doc?.data.subscriber).toEqual({ uuid: APP_UUID, email: 'ann@example.com' });
    const [stored] = await h.items();
    assertValidEvent(stored?.doc);
    expect(stored?.doc.data.subscriber).toEqual({
      uuid: null,
      email_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(stored)).not.toContain('ann@example.com');
  });

  it('prunes delivered events after 30 days', async () => {
    const { h } = await withWebhook();
    await h.bounce({});
    await h.dispatch();
    await advanceAndDispatch(h, 29 * 86_400_000);
    expect(await h.items()).toHaveLength(1);
    await advanceAndDispatch(h, 2 * 86_400_000);
    expect(await h.items()).toHaveLength(0);
  });
});

describe('outbound: stmails (listmonk API)', () => {
  async function withApp(mode: 'apply_actions' | 'forward_bounces', email = 'ann@example.com') {
    const app = await new FakeListmonk().start();
    closers.push(() => app.close());
    app.subscribers = [
      {
        id: 7,
        uuid: APP_UUID,
        email,
        status: 'enabled',
        lists: [
          { id: 1, subscription_status: 'confirmed' },
          { id: 4, subscription_status: 'unconfirmed' },
        ],
      },
    ];
    const h = await outboundHarness();
    await h.configure({
      stmails: { enabled: true, url: app.url, username: 'api', token: 'secret-token', mode },
    });
    return { h, app };
  }

  it('blocklists the subscriber found by uuid, with listmonk token auth', async () => {
    const { h, app } = await withApp('apply_actions');
    await h.bounce({ subscriber_uuid: APP_UUID });
    await h.dispatch();
    expect(app.subscribers[0]?.status).toBe('blocklisted');
    expect(app.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/subscribers',
      'PUT /api/subscribers/blocklist',
    ]);
    expect(app.calls[1]?.body).toEqual({ ids: [7] });
  });

  it('unsubscribes from the lists the lookup returned, found by email', async () => {
    const { h, app } = await withApp('apply_actions');
    await h.configure(undefined, { hard: { count: 1, action: 'unsubscribe', window_days: 0 } });
    await h.bounce({});
    await h.dispatch();
    expect(app.calls.at(-1)?.body).toEqual({ ids: [7], action: 'unsubscribe', target_list_ids: [1, 4] });
    expect(app.subscribers[0]?.lists.map((l) => l.subscription_status)).toEqual([
      'unsubscribed',
      'unsubscribed',
    ]);
  });

  it('deletes the subscriber in the app on a delete action', async () => {
    const { h, app } = await withApp('apply_actions');
    await h.configure(undefined, { hard: { count: 1, action: 'delete', window_days: 0 } });
    await h.bounce({});
    await h.dispatch();
    expect(app.subscribers).toEqual([]);
  });

  it.each([
    "o'brien@example.com",
    "x' OR '1'='1@example.com",
    "a''); DELETE FROM subscribers; --@example.com",
    "back\\slash'@example.com",
  ])('quotes a hostile address so it only ever finds itself: %s', async (email) => {
    const { h, app } = await withApp('apply_actions', email);
    app.subscribers.push({
      id: 8,
      uuid: randomUUID(),
      email: 'other@example.com',
      status: 'enabled',
      lists: [],
    });
    await h.bounce({ email });
    await h.dispatch();
    expect(app.subscribers.map((s) => [s.id, s.status])).toEqual([
      [7, 'blocklisted'],
      [8, 'enabled'],
    ]);
  });

  it('reports a subscriber the app does not know on the delivery, without retrying', async () => {
    const { h, app } = await withApp('apply_actions');
    app.subscribers = [];
    await h.bounce({});
    await h.dispatch();
    const [item] = await h.items();
    expect(item?.deliveries.stmails).toMatchObject({
      status: 'delivered',
      attempts: 1,
      note: expect.stringContaining('no such subscriber'),
    });
  });

  it('forwards each recorded bounce to the app’s own bounce webhook', async () => {
    const { h, app } = await withApp('forward_bounces');
    await h.bounce({ type: 'soft', reason: 'mailbox_full', status: '4.2.2' });
    await h.dispatch();
    expect(app.calls).toHaveLength(1);
    expect(app.calls[0]).toMatchObject({
      method: 'POST',
      path: '/webhooks/bounce',
      authorization: 'token api:secret-token',
      body: {
        email: 'ann@example.com',
        source: 'api',
        type: 'soft',
        meta: { reason: 'mailbox_full', status: '4.2.2' },
      },
    });
  });
});

describe('outbound: SES suppression list', () => {
  it('suppresses hard bounces and complaints, not soft ones', async () => {
    const h = await outboundHarness();
    await h.configure({ ses_suppression: { enabled: true } });
    await h.bounce({ email: 'hard@example.com' });
    await h.bounce({ email: 'soft@example.com', type: 'soft', reason: 'mailbox_full' });
    await h.bounce({ email: 'abuse@example.com', type: 'complaint', reason: 'complaint' });
    await h.dispatch();
    expect(Object.fromEntries(h.suppression.suppressed)).toEqual({
      'hard@example.com': 'BOUNCE',
      'abuse@example.com': 'COMPLAINT',
    });
  });

  it('removes the address when the subscriber is re-enabled', async () => {
    const h = await outboundHarness();
    await h.configure({ ses_suppression: { enabled: true } });
    await h.bounce({});
    await h.dispatch();
    h.clock.advance(1_000);
    await h.record.events.publish({
      type: 'subscriber.reenabled',
      email: 'ann@example.com',
      at: h.clock.now().toISOString(),
    });
    await h.dispatch();
    expect(h.suppression.suppressed.size).toBe(0);
  });
});
