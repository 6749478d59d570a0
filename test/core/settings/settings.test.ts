import { describe, expect, it } from 'vitest';
import { defaultSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';

describe('effectiveSettings', () => {
  it("starts from listmonk's defaults", () => {
    const s = effectiveSettings(undefined, undefined);
    expect(s).toMatchObject({ enabled: false, webhooks_enabled: false });
    expect(s.actions).toEqual({
      soft: { count: 2, action: 'none', window_days: 0 },
      hard: { count: 1, action: 'blocklist', window_days: 0 },
      complaint: { count: 1, action: 'blocklist', window_days: 0 },
    });
  });

  it('overlays deploy-time defaults, then stored settings, key by key', () => {
    const s = effectiveSettings(
      { enabled: true, ses: { enabled: true, topic_arns: ['arn:aws:sns:eu-west-1:123456789012:bounces'] } },
      { actions: { soft: { count: 3 } } },
    );
    expect(s.enabled).toBe(true);
    expect(s.ses).toEqual({
      enabled: true,
      topic_arns: ['arn:aws:sns:eu-west-1:123456789012:bounces'],
      auto_confirm: true,
    });
    expect(s.actions.soft).toEqual({ count: 3, action: 'none', window_days: 0 });
    expect(s.actions.hard).toEqual(defaultSettings().actions.hard);
  });
});
