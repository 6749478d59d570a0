import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CURSOR_KEY_SECRET, MASK } from '../../lambdas/core/settings/settings-secrets.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';

const P256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
const RSA = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';

describe('bounce settings API', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await apiHarness();
  });

  const get = () => api.call({ resource: '/api/settings/bounce' });
  const put = (body: object, ifMatch?: string) =>
    api.call({
      method: 'PUT',
      resource: '/api/settings/bounce',
      body,
      headers: ifMatch ? { 'If-Match': ifMatch } : {},
    });

  it("reads listmonk's defaults (overlaid by deploy-time ones) with version 0 before any save", async () => {
    const res = await get();
    expect(res.headers.ETag).toBe('"0"');
    expect(res.body.data).toMatchObject({
      enabled: true,
      webhooks_enabled: true,
      actions: {
        soft: { count: 2, action: 'none', window_days: 0 },
        hard: { count: 1, action: 'blocklist' },
      },
      sendgrid: { enabled: false, key: '' },
      mailboxes: [],
      version: 0,
    });
  });

  it('saves a partial change, bumps the version and keeps the rest', async () => {
    const res = await put({ actions: { soft: { count: 3, action: 'unsubscribe' } } }, '"0"');
    expect(res.status).toBe(200);
    expect(res.headers.ETag).toBe('"1"');
    expect((await get()).body.data.actions.soft).toEqual({ count: 3, action: 'unsubscribe', window_days: 0 });
  });

  it('masks secrets on read and keeps them when a blank or masked value comes back', async () => {
    await put(
      {
        sendgrid: { enabled: true, key: P256 },
        postmark: { enabled: true, username: 'pm', password: 'pm-secret-1' },
      },
      '"0"',
    );
    const read = (await get()).body.data;
    expect(read.sendgrid.key).toBe(MASK);
    expect(read.postmark).toEqual({ enabled: true, username: 'pm', password: MASK });
    expect(JSON.stringify(read)).not.toContain('pm-secret-1');

    await put({ sendgrid: read.sendgrid, postmark: { ...read.postmark, password: '' } }, '"1"');
    const runtime = await api.settings.current();
    expect(runtime.settings.postmark.password).toBe('pm-secret-1');
    expect(runtime.settings.sendgrid.key).toBe(P256);
  });

  it('keeps the list-cursor key beside the settings secrets: a save neither drops nor shows it', async () => {
    for (let i = 0; i < 2; i++) {
      await api.record.bounces.put({
        id: `01JF${String(i).padStart(22, '0')}`,
        email: 'c@example.com',
        type: 'soft',
        reason: 'unknown',
        source: 'api',
        meta: {},
        created_at: `2026-11-0${i + 1}T00:00:00.000Z`,
      });
    }
    const first = await api.call({ resource: '/api/bounces', query: { per_page: '1' } });
    const cursor = first.body.data.next_cursor as string;
    const key = (await api.table.secrets.get())[CURSOR_KEY_SECRET];
    expect(key).toBeTruthy();

    await put({ postmark: { enabled: true, username: 'pm', password: 'pm-secret-2' } }, '"0"');
    await put({ postmark: { enabled: false, username: '', password: '' } }, '"1"');
    expect((await api.table.secrets.get())[CURSOR_KEY_SECRET]).toBe(key);
    expect(JSON.stringify((await get()).body)).not.toContain(key);
    const next = await api.call({ resource: '/api/bounces', query: { per_page: '1', cursor } });
    expect(next.status).toBe(200);
  });

  it('keeps the stored secret when only whitespace comes back (whitespace is no secret)', async () => {
    await put({ forwardemail: { enabled: true, key: 'fe-secret-1' } }, '"0"');
    const res = await put({ forwardemail: { enabled: true, key: '   ' } }, '"1"');
    expect(res.status).toBe(200);
    expect((await api.settings.current()).settings.forwardemail.key).toBe('fe-secret-1');
  });

  it('refuses a stale version with 409 and a missing one with 400 naming If-Match', async () => {
    await put({ enabled: false }, '"0"');
    const stale = await put({ enabled: true }, '"0"');
    expect(stale.status).toBe(409);
    expect((await get()).body.data.enabled).toBe(false);
    const missing = await put({ enabled: true });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^If-Match/);
  });

  it('lets only one of two concurrent writers of the same version win', async () => {
    const [a, b] = await Promise.all([
      put({ enabled: false }, '"0"'),
      put({ webhooks_enabled: false }, '"0"'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it.each([
    [{ actions: { hard: { count: 0 } } }, 'actions.hard.count'],
    [{ actions: { hard: { count: 1001 } } }, 'actions.hard.count'],
    [{ actions: { soft: { action: 'explode' } } }, 'actions.soft.action'],
    [{ actions: { soft: { window_days: -1 } } }, 'actions.soft.window_days'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ ses: { enabled: true } }, 'ses.topic_arns'],
    [{ ses: { topic_arns: ['not-an-arn'] } }, 'ses.topic_arns[0]'],
    [{ sendgrid: { key: RSA } }, 'sendgrid.key'],
    [{ sendgrid: { key: 'illegal base64!' } }, 'sendgrid.key'],
    [{ sendgrid: { enabled: true } }, 'sendgrid.key'],
    [{ postmark: { enabled: true, username: 'u' } }, 'postmark.password'],
    [{ forwardemail: { enabled: true } }, 'forwardemail.key'],
    [{ sendgrid: { enabled: true, key: ' \t ' } }, 'sendgrid.key'],
    [{ postmark: { enabled: true, username: '   ', password: 'pm-secret' } }, 'postmark.username'],
    [{ postmark: { enabled: true, username: 'pm', password: ' \n ' } }, 'postmark.password'],
    [{ forwardemail: { enabled: true, key: '    ' } }, 'forwardemail.key'],
    [
      { mailboxes: [{ enabled: true, host: 'pop.example.com', username: 'b', password: '   ' }] },
      'mailboxes[0].password',
    ],
    [{ surprise: 1 }, 'surprise'],
    [{ mailboxes: [{ host: 'pop.example.com', port: 70000, password: 'pw' }] }, 'mailboxes[0].port'],
    [
      { mailboxes: [{ host: 'pop.example.com', scan_interval: '30s', password: 'pw' }] },
      'mailboxes[0].scan_interval',
    ],
    [{ mailboxes: [{ host: 'bad host!', password: 'pw' }] }, 'mailboxes[0].host'],
    [{ mailboxes: [{ host: 'pop.example.com', tls: 'maybe', password: 'pw' }] }, 'mailboxes[0].tls'],
  ])('refuses %j naming %s', async (body, field) => {
    const res = await put(body, '"0"');
    expect(res.status).toBe(400);
    expect(res.body.message.startsWith(`${field}`)).toBe(true);
  });

  it('accepts SES with a topic, and mailboxes given with only some fields (uuid assigned, defaults filled)', async () => {
    const res = await put(
      {
        ses: { enabled: true, topic_arns: [TOPIC] },
        mailboxes: [{ host: 'pop.example.com', username: 'b', password: 'pw-1' }],
      },
      '"0"',
    );
    expect(res.status).toBe(200);
    const [box] = res.body.data.mailboxes;
    expect(box).toMatchObject({
      port: 995,
      tls: 'implicit',
      scan_interval: '15m',
      password: MASK,
      enabled: false,
    });
    expect(box.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const again = await put({ mailboxes: [{ ...box, password: MASK, port: 110, tls: 'starttls' }] }, '"1"');
    expect(again.body.data.mailboxes[0]).toMatchObject({ uuid: box.uuid, port: 110, password: MASK });
  });
});
