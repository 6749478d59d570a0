import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/local-service.js';
import { adminAuth, listBounces, startProviderService } from '../support/provider-service.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/providers');
const SP = { username: 'sp-user', password: 'sp-pass-0123456789' };
const MJ = { username: 'mj-user', password: 'mj-pass-0123456789' };
const BR = { username: 'br-user', password: 'br-pass-0123456789', token: 'br-token-0123456789' };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

interface Listed {
  source: string;
  email: string;
  type: string;
  reason: string;
  campaign_uuid: string | null;
  event_key: string | null;
}

/** SparkPost, Mailjet and Brevo through `npm start`'s server: settings saved over the API, real requests. */
describe('basic-auth provider webhooks end to end (local server)', () => {
  let service: LocalService;
  const auth = () => adminAuth(service);

  beforeAll(async () => {
    service = await startProviderService({
      sparkpost: { enabled: true, ...SP },
      mailjet: { enabled: true, ...MJ },
      brevo: { enabled: true, ...BR },
    });
  });
  afterAll(() => service.close());

  const listed = (source: string) => listBounces<Listed>(service, source);

  function post(provider: string, body: Buffer | string, authorization?: string) {
    return fetch(`${service.url}/webhooks/service/${provider}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body,
    });
  }

  async function data(res: Response): Promise<{ recorded: number; duplicates: number }> {
    return ((await res.json()) as { data: { recorded: number; duplicates: number } }).data;
  }

  it('SparkPost: a batch is recorded; a replay is a 200 duplicate and stores nothing new', async () => {
    const body = readFileSync(join(FIXTURES, 'sparkpost/batch.json'));
    const first = await post('sparkpost', body, basic(SP.username, SP.password));
    expect(first.status).toBe(200);
    expect(await data(first)).toMatchObject({ recorded: 3, duplicates: 0 });
    const again = await post('sparkpost', body, basic(SP.username, SP.password));
    expect(again.status).toBe(200);
    expect(await data(again)).toMatchObject({ recorded: 0, duplicates: 3 });
    const stored = await listed('sparkpost');
    expect(stored.map((b) => [b.email, b.type, b.reason]).sort()).toEqual([
      ['alice@example.org', 'hard', 'user_unknown'],
      ['bob@example.net', 'complaint', 'complaint'],
      ['carol@example.com', 'soft', 'blocked'],
    ]);
    expect(stored.find((b) => b.type === 'hard')?.campaign_uuid).toBe('6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21');
  });

  it('SparkPost: the test batch sent when a webhook is saved is answered 200', async () => {
    const res = await post('sparkpost', '[{"msys":{}}]', basic(SP.username, SP.password));
    expect(res.status).toBe(200);
  });

  it('Mailjet: a single event and a group are recorded; a replay is a duplicate', async () => {
    const single = readFileSync(join(FIXTURES, 'mailjet/bounce.json'));
    const group = readFileSync(join(FIXTURES, 'mailjet/grouped.json'));
    const good = basic(MJ.username, MJ.password);
    expect(await data(await post('mailjet', single, good))).toMatchObject({ recorded: 1 });
    // The group's first event is the single event again (same message, recipient and time).
    expect(await data(await post('mailjet', group, good))).toMatchObject({ recorded: 2, duplicates: 1 });
    expect(await data(await post('mailjet', group, good))).toMatchObject({ recorded: 0, duplicates: 3 });
    const stored = await listed('mailjet');
    expect(stored).toHaveLength(3);
    expect(stored.filter((b) => b.type === 'hard').map((b) => b.email)).toEqual(['alice@example.org']);
  });

  it('Brevo: basic auth and the bearer token both admit; a replay is a duplicate', async () => {
    const hard = readFileSync(join(FIXTURES, 'brevo/hard-bounce.json'));
    const batch = readFileSync(join(FIXTURES, 'brevo/batch.json'));
    expect(await data(await post('brevo', hard, basic(BR.username, BR.password)))).toMatchObject({
      recorded: 1,
    });
    expect(await data(await post('brevo', hard, `Bearer ${BR.token}`))).toMatchObject({
      recorded: 0,
      duplicates: 1,
    });
    expect(await data(await post('brevo', batch, `Bearer ${BR.token}`))).toMatchObject({ recorded: 4 });
    expect(await listed('brevo')).toHaveLength(5);
  });

  it.each([
    ['sparkpost', 'sparkpost/batch.json'],
    ['mailjet', 'mailjet/bounce.json'],
    ['brevo', 'brevo/hard-bounce.json'],
  ])('%s: missing or wrong credentials are a 401 and store nothing', async (provider, file) => {
    const before = (await listed(provider)).length;
    const body = readFileSync(join(FIXTURES, file));
    for (const authorization of [undefined, basic('someone', 'wrong'), 'Bearer wrong'])
      expect((await post(provider, body, authorization)).status).toBe(401);
    expect(await listed(provider)).toHaveLength(before);
  });

  it.each([
    ['sparkpost', basic(SP.username, SP.password)],
    ['mailjet', basic(MJ.username, MJ.password)],
    ['brevo', `Bearer ${BR.token}`],
  ])('%s: a malformed body is a 400 naming the field', async (provider, authorization) => {
    const res = await post(provider, '{not json', authorization);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('body');
  });

  // A blank or masked secret in a save keeps the stored one, so the blank that can be sent is a user name.
  it.each([
    ['sparkpost', { enabled: true, username: '  ', password: 'p' }, 'sparkpost.username'],
    ['mailjet', { enabled: true, username: ' ', password: 'p' }, 'mailjet.username'],
  ])(
    '%s: settings with a blank user name cannot be saved enabled (400 naming the field)',
    async (provider, slice, field) => {
      const current = await fetch(`${service.url}/api/settings/bounce`, { headers: auth() });
      const res = await fetch(`${service.url}/api/settings/bounce`, {
        method: 'PUT',
        headers: { ...auth(), 'If-Match': current.headers.get('etag') ?? '' },
        body: JSON.stringify({ [provider]: slice }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(field);
    },
  );
});
