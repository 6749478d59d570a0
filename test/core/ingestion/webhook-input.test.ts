import { describe, expect, it } from 'vitest';
import { parseWebhookBounce } from '../../../lambdas/core/ingestion/webhook-input.js';

const NOW = new Date('2026-11-29T10:00:00Z');

describe('parseWebhookBounce', () => {
  it('takes the type as given and the reason from meta.reason when it names one', () => {
    const input = parseWebhookBounce(
      {
        email: 'A@Example.com',
        source: 'postfix-log',
        type: 'soft',
        meta: { reason: 'mailbox_full', status: '4.2.2' },
      },
      undefined,
      NOW,
    );
    expect(input).toMatchObject({
      email: 'a@example.com',
      type: 'soft',
      reason: 'mailbox_full',
      status: '4.2.2',
    });
  });

  it('falls back to reason unknown, and complaint for complaints', () => {
    expect(
      parseWebhookBounce(
        { email: 'a@example.com', source: 's', type: 'hard', meta: { reason: 'nope' } },
        undefined,
        NOW,
      ).reason,
    ).toBe('unknown');
    expect(
      parseWebhookBounce({ email: 'a@example.com', source: 's', type: 'complaint' }, undefined, NOW).reason,
    ).toBe('complaint');
  });

  it('normalises created_at to UTC with milliseconds', () => {
    const input = parseWebhookBounce(
      { email: 'a@example.com', source: 's', type: 'hard', created_at: '2026-11-28T12:00:00+02:00' },
      undefined,
      NOW,
    );
    expect(input.created_at).toBe('2026-11-28T10:00:00.000Z');
  });

  it('keys idempotency by source and event id, from the body or the header', () => {
    expect(
      parseWebhookBounce(
        { email: 'a@example.com', source: 's', type: 'hard', event_id: 'e1' },
        undefined,
        NOW,
      ).event_key,
    ).toBe('webhook:s:e1');
    expect(
      parseWebhookBounce({ email: 'a@example.com', source: 's', type: 'hard' }, 'e1', NOW).event_key,
    ).toBe('webhook:s:e1');
  });
});
