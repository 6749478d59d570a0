import { describe, expect, it } from 'vitest';
import { SessionDeadline } from '../../../lambdas/adapters/imap/session-deadline.js';
import { failureOf } from '../../../lambdas/core/mailbox/scan-mailbox.js';

const never = () => new Promise<never>(() => undefined);

describe('SessionDeadline: the IMAP session ends when the scan must finish', () => {
  it('ends a step that never answers, closing the connection, with a timeout naming the step', async () => {
    let closed = 0;
    const deadline = new SessionDeadline(Date.now() + 20, () => closed++);
    const error = await deadline.run(never(), 'fetching INBOX:1:7').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', message: "the scan's time ran out fetching INBOX:1:7" });
    expect(failureOf(error)).toBe('connection');
    expect(closed).toBe(1);
  });

  it('turns the error of a step cut by the expiry into the timeout, and leaves other errors alone', async () => {
    let fail: (e: Error) => void = () => undefined;
    const deadline = new SessionDeadline(Date.now() + 20, () => fail(new Error('Connection not available')));
    const step = new Promise<never>((_, reject) => {
      fail = reject;
    });
    await expect(deadline.run(step, 'listing the folder')).rejects.toMatchObject({ code: 'timeout' });
    const own = new SessionDeadline(Date.now() + 60_000, () => undefined);
    await expect(own.run(Promise.reject(new Error('NO [TRYCREATE]')), 'moving')).rejects.toThrow(
      'NO [TRYCREATE]',
    );
    own.stop();
  });

  it('passes steps through without a deadline, and a stopped one never closes the connection', async () => {
    expect(await new SessionDeadline(undefined, () => undefined).run(Promise.resolve(7), 'x')).toBe(7);
    let closed = false;
    const stopped = new SessionDeadline(Date.now() + 10, () => {
      closed = true;
    });
    stopped.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
  });
});
