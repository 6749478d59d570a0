import { beforeEach, describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import type { RecordDeps } from '../../../lambdas/core/bounces/record-bounce.js';
import { InternalError } from '../../../lambdas/core/errors.js';
import { RECORD_CONCURRENCY, recordEvents } from '../../../lambdas/core/ingestion/record-events.js';
import type { SubscriberStore } from '../../../lambdas/core/ports.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { recordDepsOver, type TestTable, testTable } from '../../support/dynamodb.js';

const bounce = (i: number): BounceInput => ({
  email: `user${i}@example.com`,
  type: 'soft',
  reason: 'mailbox_full',
  source: 'sendgrid',
  meta: {},
  event_key: `sendgrid:evt-${i}`,
  resolve_by: 'email',
});

/** A subscriber store whose findByEmail is wrapped: the real one underneath. */
function wrapSubscribers(
  store: SubscriberStore,
  find: (
    real: SubscriberStore['findByEmail'],
    email: string,
    key?: string,
  ) => ReturnType<SubscriberStore['findByEmail']>,
): SubscriberStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'findByEmail')
        return (email: string, key?: string) => find(target.findByEmail.bind(target), email, key);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('recordEvents', () => {
  let table: TestTable;
  let deps: RecordDeps;
  let settings: BounceSettings;

  beforeEach(async () => {
    table = await testTable();
    deps = recordDepsOver(table);
    settings = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
  });

  it('records every event and counts a redelivery as duplicates', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => bounce(i));
    expect(await recordEvents({ record: deps }, settings, batch)).toEqual({
      recorded: 5,
      duplicates: 0,
      rejected: 0,
    });
    expect(await recordEvents({ record: deps }, settings, batch)).toEqual({
      recorded: 0,
      duplicates: 5,
      rejected: 0,
    });
  });

  it('refuses an unusable event on its own and records the others', async () => {
    const unknownUuid: BounceInput = {
      ...bounce(99),
      email: undefined,
      subscriber_uuid: '0b3c8e51-4f0a-4d52-9a57-3f2a6c1d9e10',
      resolve_by: 'uuid',
    } as BounceInput;
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => void warnings.push(m) };
    const result = await recordEvents({ record: deps, log }, settings, [bounce(1), unknownUuid, bounce(2)]);
    expect(result).toEqual({ recorded: 2, duplicates: 0, rejected: 1 });
    expect(warnings).toEqual(['bounce event refused']);
  });

  it('fails the batch on a storage fault, after recording the rest, so a retry completes it once', async () => {
    const batch = Array.from({ length: 6 }, (_, i) => bounce(i));
    const faulty = {
      ...deps,
      subscribers: wrapSubscribers(deps.subscribers, (real, email, key) => {
        if (email === 'user3@example.com') throw new InternalError('storage unavailable');
        return real(email, key);
      }),
    };
    await expect(recordEvents({ record: faulty }, settings, batch)).rejects.toBeInstanceOf(InternalError);
    expect(await recordEvents({ record: deps }, settings, batch)).toEqual({
      recorded: 1,
      duplicates: 5,
      rejected: 0,
    });
  });

  it(`records at most ${RECORD_CONCURRENCY} events at a time`, async () => {
    let inFlight = 0;
    let most = 0;
    const counted = {
      ...deps,
      subscribers: wrapSubscribers(deps.subscribers, async (real, email, key) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await real(email, key);
        } finally {
          inFlight--;
        }
      }),
    };
    const batch = Array.from({ length: 60 }, (_, i) => bounce(i));
    expect((await recordEvents({ record: counted }, settings, batch)).recorded).toBe(60);
    expect(most).toBeLessThanOrEqual(RECORD_CONCURRENCY);
    expect(most).toBeGreaterThan(1);
  });

  it('does nothing for an empty batch', async () => {
    expect(await recordEvents({ record: deps }, settings, [])).toEqual({
      recorded: 0,
      duplicates: 0,
      rejected: 0,
    });
  });
});
