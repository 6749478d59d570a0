import { Webhook } from 'standardwebhooks';
import type { WebhookSigner } from '../../core/outbound/ports.js';

/** Signs with the maintained Standard Webhooks library, so receivers can verify with any of its ports. */
export const standardWebhooksSigner: WebhookSigner = {
  sign: (secret, id, at, body) => new Webhook(secret).sign(id, at, body),
};
