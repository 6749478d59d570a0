import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStores } from '../../../lambdas/adapters/memory/memory-stores.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../../../lambdas/core/bounces/record-bounce.js';
import { UnauthenticatedError } from '../../../lambdas/core/errors.js';
import { effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { testTable } from '../../support/dynamodb.js';
import { FakeClock, RecordingPublisher } from '../../support/fakes.js';

const SETTINGS = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
const TOKEN_KEY = 'mailgun:token:0123456789abcdef0123456789abcdef0123456789abcdef01';

/** An event under a one-time token: the key is the token, the fingerprint says which event it signed. */
function tokened(overrides: Partial<BounceInput> = {}): BounceInput {
  return {
    email: 'ann@example.com',
    type: 'hard',
    reason: 'user_unknown',
    source: 'mailgun',
    meta: {},
    created_at: '2026-11-29T09:00:00.000Z',
    event_key: TOKEN_KEY,
    event_fingerprint: 'event-1',
    resolve_by: 'email',
    ...overrides,
  };
}

const stores = {
  dynalite: async () => {
    const table = await testTable();
    return { subscribers: table.subscribers, bounces: table.bounces };
  },
  memory: async () => {
    const memory = createMemoryStores();
    return { subscribers: memory.subscribers, bounces: memory.bounces };
  },
};

describe('a token key stays inside the request budget (dynalite)', () => {
  it('a known address: 3 requests, 3 round trips (read, claim, bounce)', async () => {
    const table = await testTable();
    const deps: RecordDeps = {
      subscribers: table.subscribers,
      bounces: table.bounces,
      events: new RecordingPublisher(),
      clock: new FakeClock(),
      ids: ulidIds(),
    };
    await recordBounce(deps, SETTINGS, tokened({ event_key: 'mailgun:first', event_fingerprint: 'first' }));
    table.resetCommands();
    await recordBounce(deps, SETTINGS, tokened());
    expect(table.commands).toHaveLength(3);
    expect(table.roundTrips()).toBe(3);
  });
});

for (const [name, make] of Object.entries(stores)) {
  describe(`a token key is claimed with its event's fingerprint (${name})`, () => {
    let deps: RecordDeps;

    beforeEach(async () => {
      deps = { ...(await make()), events: new RecordingPublisher(), clock: new FakeClock(), ids: ulidIds() };
    });

    async function stored(email: string) {
      return (await deps.bounces.list({ email, order: 'asc', per_page: 100 })).results;
    }

    it('the same token with the same event is a duplicate of the first bounce', async () => {
      const first = await recordBounce(deps, SETTINGS, tokened());
      const again = await recordBounce(deps, SETTINGS, tokened());
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ id: first.id, duplicate: true });
      expect(await stored('ann@example.com')).toHaveLength(1);
    });

    it('the same token with another event is refused and stores nothing for it', async () => {
      await recordBounce(deps, SETTINGS, tokened());
      const forged = tokened({
        email: 'victim@example.com',
        created_at: '2026-11-30T10:00:00.000Z',
        event_fingerprint: 'event-2',
      });
      await expect(recordBounce(deps, SETTINGS, forged)).rejects.toBeInstanceOf(UnauthenticatedError);
      expect(await stored('victim@example.com')).toEqual([]);
      expect((await deps.subscribers.findByEmail('victim@example.com')).subscriber).toBeNull();
      expect(await stored('ann@example.com')).toHaveLength(1);
    });

    it('another event under the same token at the same moment: one is stored, the other refused', async () => {
      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((n) =>
          recordBounce(deps, SETTINGS, tokened({ email: `${n}@example.com`, event_fingerprint: n })),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused.map((r) => (r as PromiseRejectedResult).reason)).toEqual([
        expect.any(UnauthenticatedError),
        expect.any(UnauthenticatedError),
      ]);
      const all = await Promise.all(['a', 'b', 'c'].map((n) => stored(`${n}@example.com`)));
      expect(all.flat()).toHaveLength(1);
    });

    it('after an operator deletes the bounce, the token stays claimed with its event', async () => {
      const first = await recordBounce(deps, SETTINGS, tokened());
      expect(await deps.bounces.deleteByIds([first.id as string])).toBe(1);
      expect(await recordBounce(deps, SETTINGS, tokened())).toMatchObject({ id: first.id, duplicate: true });
      await expect(
        recordBounce(deps, SETTINGS, tokened({ event_fingerprint: 'event-2' })),
      ).rejects.toBeInstanceOf(UnauthenticatedError);
      expect(await stored('ann@example.com')).toEqual([]);
    });

    it('keys without a fingerprint keep their meaning: a repeat is a duplicate', async () => {
      const plain = tokened({ event_fingerprint: undefined, event_key: 'ses:bounce:f1:ann@example.com' });
      const first = await recordBounce(deps, SETTINGS, plain);
      expect(await recordBounce(deps, SETTINGS, plain)).toMatchObject({ id: first.id, duplicate: true });
    });
  });
}
