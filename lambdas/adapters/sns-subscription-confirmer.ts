import { BounceError, InternalError, UnauthenticatedError } from '../core/errors.js';
import type { SubscriptionConfirmer } from '../core/providers/provider.js';
import { checkSubscribeUrl } from '../core/providers/sns-message.js';
import type { Fetch } from './https-certificate-loader.js';

/**
 * Confirms an SNS subscription by GET of its SubscribeURL (the provider has verified the message and
 * pinned the URL to the topic's region). A failure is a 500, so SNS sends the confirmation again.
 */
export class SnsSubscriptionConfirmer implements SubscriptionConfirmer {
  constructor(
    private readonly fetchImpl: Fetch = (url, init) => fetch(url, init),
    private readonly timeoutMs = 10_000,
  ) {}

  async confirm(subscribeUrl: string, topicArn: string): Promise<void> {
    // Checked again here because this is the code that makes the request (no SSRF through a bug upstream).
    try {
      checkSubscribeUrl(subscribeUrl, topicArn);
    } catch {
      throw new UnauthenticatedError("SubscribeURL is not the Amazon SNS endpoint of the topic's region");
    }
    try {
      const response = await this.fetchImpl(subscribeUrl, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The body (ConfirmSubscriptionResponse XML) says nothing the status does not; drop it unread.
      await response.body?.cancel().catch(() => undefined);
      if (response.status !== 200)
        throw new InternalError(`SNS subscription confirmation answered HTTP ${response.status}`);
    } catch (cause) {
      if (cause instanceof BounceError) throw cause;
      throw new InternalError('could not confirm the SNS subscription', { cause });
    }
  }
}
