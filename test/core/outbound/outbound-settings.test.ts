import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { BounceSettings } from '../../../lambdas/core/settings/settings.js';
import { MASK, maskSecrets } from '../../../lambdas/core/settings/settings-secrets.js';
import { type SettingsRepository, SettingsService } from '../../../lambdas/core/settings/settings-service.js';
import { FakeClock } from '../../support/fakes.js';
import { newSecret } from '../../support/outbound/outbound-harness.js';

class MemoryRepo implements SettingsRepository {
  stored: unknown;
  version = 0;
  async read() {
    return { stored: this.stored, version: this.version };
  }
  async write(plain: BounceSettings, expected: number) {
    if (expected !== this.version) throw new Error('conflict');
    this.stored = structuredClone(plain);
    return ++this.version;
  }
}

function service() {
  const repo = new MemoryRepo();
  const secrets = new MemorySecretStore();
  const svc = new SettingsService(repo, secrets, new FakeClock(), { newUuid: randomUUID, cacheMs: 0 });
  return { svc, repo, secrets };
}

async function save(svc: SettingsService, outbound: unknown) {
  const { version } = await svc.current();
  return svc.save({ outbound }, version);
}

async function fieldOf(run: Promise<unknown>): Promise<string | undefined> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).field;
}

describe('outbound settings', () => {
  it('starts with no sink', async () => {
    const { svc } = service();
    expect((await svc.get()).outbound).toEqual({
      webhooks: [],
      stmails: { enabled: false, url: '', username: '', token: '', mode: 'apply_actions' },
      ses_suppression: { enabled: false },
    });
  });

  it('gives a new webhook a uuid and the subscriber events, keeps its secret out of the stored document', async () => {
    const { svc, repo } = service();
    const secret = newSecret();
    const { settings } = await save(svc, { webhooks: [{ url: 'https://hooks.example/x', secret }] });
    const [hook] = settings.outbound.webhooks;
    expect(hook?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook?.events).toContain('subscriber.blocklisted');
    expect(JSON.stringify(repo.stored)).not.toContain(secret);
    expect(maskSecrets(settings).outbound.webhooks[0]?.secret).toBe(MASK);
  });

  it('keeps the stored secret of a matched webhook sent back masked, and removes omitted ones', async () => {
    const { svc } = service();
    const secret = newSecret();
    const first = await save(svc, {
      webhooks: [
        { url: 'https://a.example/x', secret },
        { url: 'https://b.example/x', secret: newSecret() },
      ],
    });
    const [a] = maskSecrets(first.settings).outbound.webhooks;
    const { settings } = await save(svc, { webhooks: [{ ...a, url: 'https://a.example/y' }] });
    expect(settings.outbound.webhooks).toEqual([
      expect.objectContaining({ uuid: a?.uuid, url: 'https://a.example/y', secret }),
    ]);
  });

  it('refuses a new webhook without its secret, naming the field', async () => {
    const { svc } = service();
    expect(await fieldOf(save(svc, { webhooks: [{ url: 'https://a.example/x', secret: MASK }] }))).toBe(
      'outbound.webhooks[0].secret',
    );
  });

  it.each([
    [{ webhooks: [{ url: 'ftp://a.example/', secret: newSecret() }] }, 'outbound.webhooks[0].url'],
    [{ webhooks: [{ url: 'https://u:p@a.example/', secret: newSecret() }] }, 'outbound.webhooks[0].url'],
    [{ webhooks: [{ url: 'https://a.example/', secret: 'plain' }] }, 'outbound.webhooks[0].secret'],
    [
      { webhooks: [{ url: 'https://a.example/', secret: newSecret(), events: ['x.y'] }] },
      'outbound.webhooks[0].events[0]',
    ],
    [
      {
        stmails: {
          enabled: true,
          url: 'https://app.example',
          username: 'api',
          token: '',
          mode: 'apply_actions',
        },
      },
      'outbound.stmails.token',
    ],
    [
      { stmails: { enabled: false, url: '', username: '', token: '', mode: 'both' } },
      'outbound.stmails.mode',
    ],
    [{ ses_suppression: { enabled: 'yes' } }, 'outbound.ses_suppression.enabled'],
    [{ surprise: true }, 'outbound.surprise'],
  ])('refuses %j naming %s', async (outbound, field) => {
    const { svc } = service();
    expect(await fieldOf(save(svc, outbound))).toBe(field);
  });

  it('masks the stmails token and keeps it on a masked save', async () => {
    const { svc } = service();
    await save(svc, {
      stmails: {
        enabled: true,
        url: 'https://app.example',
        username: 'api',
        token: 'tok',
        mode: 'apply_actions',
      },
    });
    const { settings } = await save(svc, {
      stmails: {
        enabled: true,
        url: 'https://app.example',
        username: 'api',
        token: MASK,
        mode: 'forward_bounces',
      },
    });
    expect(settings.outbound.stmails).toMatchObject({ token: 'tok', mode: 'forward_bounces' });
    expect(maskSecrets(settings).outbound.stmails.token).toBe(MASK);
  });
});
