import { brevoProvider } from './brevo.js';
import { forwardemailProvider } from './forwardemail.js';
import { mailgunProvider } from './mailgun.js';
import { mailjetProvider } from './mailjet.js';
import { postalProvider } from './postal.js';
import { postmarkProvider } from './postmark.js';
import type { AnyProvider, ProviderConfig } from './provider.js';
import { resendProvider } from './resend.js';
import { sendgridProvider } from './sendgrid.js';
import { sesProvider } from './ses.js';
import { sparkpostProvider } from './sparkpost.js';

/**
 * Every provider webhook, once. The route table, the Lambda functions, the local server, the
 * settings (defaults, validation, masking, secret store), the OpenAPI document and the console's
 * forms all follow from this list: adding a provider is its module, its tests and one line here.
 */
export const PROVIDERS = [
  sesProvider,
  sendgridProvider,
  postmarkProvider,
  forwardemailProvider,
  sparkpostProvider,
  mailjetProvider,
  brevoProvider,
  mailgunProvider,
  resendProvider,
  postalProvider,
] as const satisfies readonly AnyProvider[];

type Registered = (typeof PROVIDERS)[number];

export type ProviderName = Registered['name'];

/** Each provider's settings slice under its name (`settings.<name>`). */
export type ProviderSettings = { [P in Registered as P['name']]: ProviderConfig<P['settings']> };

export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDERS.map((p) => p.name);

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** The provider registered under `name`, or undefined (an unknown provider is a 404). */
export function providerNamed(
  name: string,
  providers: readonly AnyProvider[] = PROVIDERS,
): AnyProvider | undefined {
  return providers.find((p) => p.name === name);
}
