import { HttpsCertificateLoader } from '../../adapters/https-certificate-loader.js';
import { SnsSubscriptionConfirmer } from '../../adapters/sns-subscription-confirmer.js';
import type { AnyProvider } from '../../core/providers/provider.js';
import { awsDeps } from '../deps.js';
import { httpFunction, lazy } from '../http/http-function.js';
import { logger } from '../logger.js';
import { createProviderWebhookHandler, type ProviderWebhookDeps } from './provider-webhook.js';

/** Adapters only the provider webhooks use; the certificate cache lives as long as the container. */
export function providerAdapters(): Pick<ProviderWebhookDeps, 'certificates' | 'confirmer'> {
  return { certificates: new HttpsCertificateLoader(), confirmer: new SnsSubscriptionConfirmer() };
}

/**
 * The Lambda handler of one provider's webhook: one function per provider (DESIGN §2). The provider
 * is resolved at the first request, with the rest of the dependencies.
 */
export function providerFunction(provider: AnyProvider | (() => AnyProvider)) {
  return httpFunction(
    lazy(() => {
      const deps = awsDeps();
      const resolved = typeof provider === 'function' ? provider() : provider;
      return createProviderWebhookHandler(resolved, { ...deps, ...providerAdapters(), logger });
    }),
    logger,
  );
}
