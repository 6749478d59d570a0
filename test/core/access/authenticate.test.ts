import { describe, expect, it } from 'vitest';
import { StaticUserStore } from '../../../lambdas/adapters/static-user-store.js';
import { authenticate, parseAuthorization } from '../../../lambdas/core/access/authenticate.js';
import { UnauthenticatedError } from '../../../lambdas/core/errors.js';

const users = new StaticUserStore([
  { name: 'ops', token: 's3cret-token:with-colon', permissions: ['bounces:get'] },
]);
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('authenticate', () => {
  it('accepts Basic credentials (a token may contain colons)', async () => {
    expect((await authenticate(users, basic('ops:s3cret-token:with-colon'))).name).toBe('ops');
  });

  it("accepts listmonk's token scheme", async () => {
    expect((await authenticate(users, 'token ops:s3cret-token:with-colon')).permissions).toEqual([
      'bounces:get',
    ]);
  });

  it.each([
    [undefined],
    ['Bearer abc'],
    [basic('ops:wrong')],
    [basic('nobody:s3cret-token:with-colon')],
    [basic('ops')],
    ['token ops:'],
  ])('refuses %s', async (header) => {
    await expect(authenticate(users, header)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token blank after trimming even for a user stored with that token', async () => {
    const blank = new StaticUserStore([{ name: 'ghost', token: '   ', permissions: ['bounces:get'] }]);
    await expect(authenticate(blank, basic('ghost:   '))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(authenticate(blank, 'token ghost:\t')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('never echoes the credentials in its message', () => {
    try {
      parseAuthorization('Weird s3cret');
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});
