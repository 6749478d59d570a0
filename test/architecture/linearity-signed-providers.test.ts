import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailgunProvider } from '../../lambdas/core/providers/mailgun.js';
import { postalProvider } from '../../lambdas/core/providers/postal.js';
import { resendProvider } from '../../lambdas/core/providers/resend.js';
import { FakeClock } from '../support/fakes.js';
import { costRatioAsync, hostileText, LINEAR_BOUND } from '../support/linearity.js';

const deps = { clock: new FakeClock(), certificates: { load: async () => '' } };

/** As linearity.test.ts: ten times the hostile input must cost well under a hundred times the time. */
describe('signed providers cost time linear in hostile input', () => {
  it('a Mailgun failure with a hostile delivery-status', async () => {
    const ratio = await costRatioAsync(async (size) => {
      const text = hostileText(size);
      const [timestamp, token] = ['1764410400', `t${size}`];
      const signature = createHmac('sha256', 'k')
        .update(timestamp + token)
        .digest('hex');
      const rawBody = Buffer.from(
        JSON.stringify({
          signature: { timestamp, token, signature },
          'event-data': {
            event: 'failed',
            severity: 'permanent',
            id: 'e1',
            recipient: 'ann@example.com',
            'delivery-status': { message: text, description: text, code: 550 },
          },
        }),
      );
      await mailgunProvider.handle({ rawBody, headers: {} }, { enabled: true, signing_key: 'k' }, deps);
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('a Resend bounce with a hostile message', async () => {
    const secret = `whsec_${Buffer.from('resend-linearity-key').toString('base64')}`;
    const at = String(Math.floor(deps.clock.now().getTime() / 1000));
    const ratio = await costRatioAsync(async (size) => {
      const text = hostileText(size);
      const rawBody = Buffer.from(
        JSON.stringify({
          type: 'email.bounced',
          data: { to: ['ann@example.com'], bounce: { message: text } },
        }),
      );
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`m.${at}.`).update(rawBody).digest('base64');
      const headers = { 'svix-id': 'm', 'svix-timestamp': at, 'svix-signature': `v1,${mac}` };
      await resendProvider.handle({ rawBody, headers }, { enabled: true, secret }, deps);
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('a Postal failure with a hostile output', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ratio = await costRatioAsync(async (size) => {
      const text = hostileText(size);
      const rawBody = Buffer.from(
        JSON.stringify({
          event: 'MessageDeliveryFailed',
          uuid: 'u1',
          payload: { status: 'HardFail', output: text, details: text, message: { to: 'ann@example.com' } },
        }),
      );
      const headers = {
        'x-postal-signature-256': sign('sha256', rawBody, keys.privateKey).toString('base64'),
      };
      await postalProvider.handle({ rawBody, headers }, { enabled: true, public_key: publicKey }, deps);
    }, 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });
});
