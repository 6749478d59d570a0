import type { Logger } from '@aws-lambda-powertools/logger';
import { forwardemailProvider } from '../../lambdas/core/providers/forwardemail.js';
import { postmarkProvider } from '../../lambdas/core/providers/postmark.js';
import { sendgridProvider } from '../../lambdas/core/providers/sendgrid.js';
import { sesProvider } from '../../lambdas/core/providers/ses.js';
import { httpFunction } from '../../lambdas/handlers/http/http-function.js';
import {
  createProviderWebhookHandler,
  type ProviderWebhookDeps,
} from '../../lambdas/handlers/webhooks/provider-webhook.js';

/** The four provider functions over the local dependencies, keyed as in the route table. */
export function providerFunctions(deps: ProviderWebhookDeps, logger: Logger) {
  const fn = (provider: Parameters<typeof createProviderWebhookHandler>[0]) =>
    httpFunction(createProviderWebhookHandler(provider, deps), logger);
  return {
    sesWebhook: fn(sesProvider),
    sendgridWebhook: fn(sendgridProvider),
    postmarkWebhook: fn(postmarkProvider),
    forwardemailWebhook: fn(forwardemailProvider),
  };
}
