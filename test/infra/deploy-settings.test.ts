import { describe, expect, it } from 'vitest';
import { deploySettingsJson } from '../../lib/deploy-settings.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';

describe('deploySettingsJson (DEFAULT_SETTINGS)', () => {
  it('passes non-secret settings through as JSON', () => {
    const settings = { enabled: true, webhooks_enabled: true, ses: { enabled: true, topic_arns: [TOPIC] } };
    expect(JSON.parse(deploySettingsJson(settings) as string)).toEqual(settings);
  });

  it('sets nothing when there are no defaults', () => {
    expect(deploySettingsJson(undefined)).toBeUndefined();
    expect(deploySettingsJson({})).toBeUndefined();
  });

  it('refuses a secret, naming it: secrets never go into environment variables', () => {
    expect(() => deploySettingsJson({ forwardemail: { enabled: false, key: 'hunter2-hunter2' } })).toThrow(
      /forwardemail\.key is a secret/,
    );
    expect(() => deploySettingsJson({ postmark: { password: 'pw' } })).toThrow(
      /postmark\.password is a secret/,
    );
  });

  it("refuses what the service's own validation refuses, naming the field", () => {
    expect(() => deploySettingsJson({ webhook_enabled: true } as never)).toThrow(
      /defaultSettings: webhook_enabled: is not a known setting/,
    );
    expect(() => deploySettingsJson({ ses: { enabled: true } })).toThrow(/ses\.topic_arns/);
    expect(() => deploySettingsJson({ actions: { soft: { count: 0 } } })).toThrow(/actions\.soft\.count/);
  });

  it("refuses more than fits in Lambda's 4 KB of environment", () => {
    const topics = Array.from({ length: 20 }, (_, i) => `${TOPIC}-${'x'.repeat(80)}${i}`);
    expect(() => deploySettingsJson({ ses: { enabled: true, topic_arns: topics } })).toThrow(/at most 2048/);
  });
});
