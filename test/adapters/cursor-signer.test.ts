import { describe, expect, it } from 'vitest';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import { CURSOR_KEY_SECRET } from '../../lambdas/core/settings/settings-secrets.js';

describe('CursorSigner', () => {
  it('opens what it sealed, and what another container over the same secret sealed', async () => {
    const secrets = new MemorySecretStore();
    const a = new CursorSigner(secrets);
    const b = new CursorSigner(secrets);
    expect(await b.open(await a.seal({ k: 'v' }))).toEqual({ k: 'v' });
  });

  it('keeps the other secrets in the store when it adds its key', async () => {
    const secrets = new MemorySecretStore();
    await secrets.put({ 'postmark.password': 'pm' });
    await new CursorSigner(secrets).seal({});
    expect(Object.keys(await secrets.get()).sort()).toEqual([CURSOR_KEY_SECRET, 'postmark.password']);
  });

  it('after two containers raced to make the first key, both use the stored one within a minute', async () => {
    const secrets = new MemorySecretStore();
    let now = 0;
    const a = new CursorSigner(secrets, () => now);
    const early = await a.seal({ page: 1 });
    // Another container's key replaced this one's after this one read it back.
    await secrets.put({ [CURSOR_KEY_SECRET]: Buffer.alloc(32, 7).toString('base64') });
    const b = new CursorSigner(secrets, () => now);
    await expect(b.open(early)).rejects.toBeInstanceOf(ValidationError);

    now += 61_000;
    expect(await b.open(await a.seal({ page: 2 }))).toEqual({ page: 2 });
    // Its own earlier pages still open where they were made.
    expect(await a.open(early)).toEqual({ page: 1 });
  });

  it('reads the secret store once a minute at most while listing', async () => {
    const secrets = new MemorySecretStore();
    let reads = 0;
    const counted = {
      get: () => {
        reads++;
        return secrets.get();
      },
      put: (v: Record<string, string>) => secrets.put(v),
    };
    let now = 0;
    const signer = new CursorSigner(counted, () => now);
    await signer.seal({});
    const afterFirst = reads;
    for (let i = 0; i < 100; i++) await signer.open(await signer.seal({ i }));
    expect(reads).toBe(afterFirst);
    now += 60_000;
    await signer.seal({});
    expect(reads).toBe(afterFirst + 1);
  });
});
