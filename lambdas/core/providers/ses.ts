import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import {
  defineProvider,
  type ProviderConfig,
  type ProviderDeps,
  type ProviderOutcome,
  type ProviderRequest,
  type SettingField,
} from './provider.js';
import { mapSesMessage } from './ses-mapping.js';
import {
  checkSubscribeUrl,
  isSigningCertUrl,
  parseSnsMessage,
  type SnsMessage,
  verifySnsSignature,
} from './sns-message.js';

/**
 * Amazon SES feedback delivered by SNS over HTTPS (DESIGN §6). Order matters: nothing is fetched
 * until the topic is one we allow (any AWS account can point a validly signed topic at this
 * endpoint) and the certificate URL is SNS's own in that topic's region; nothing in the body is
 * believed until the signature verifies.
 */

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const SETTINGS = [
  {
    key: 'topic_arns',
    kind: 'string-list',
    default: [],
    maxItems: 20,
    description:
      'SNS topics whose messages are accepted (any AWS account can point a validly signed topic here)',
    itemPattern: TOPIC_ARN,
    item: (arn) => (TOPIC_ARN.test(arn) ? null : 'must be an SNS topic ARN'),
  },
  {
    key: 'auto_confirm',
    kind: 'boolean',
    default: true,
    description: 'Confirm SNS subscriptions of allowed topics automatically',
  },
] as const satisfies readonly SettingField[];

type SesConfig = ProviderConfig<typeof SETTINGS>;

async function verify(message: SnsMessage, settings: SesConfig, deps: ProviderDeps): Promise<void> {
  // Both checked before the fetch, so an unverified message cannot make us request anything.
  if (!settings.topic_arns.includes(message.TopicArn))
    throw new ForbiddenError(`SNS topic ${message.TopicArn} is not allowed (settings: ses.topic_arns)`);
  if (!isSigningCertUrl(message.SigningCertURL, message.TopicArn))
    throw new UnauthenticatedError(
      "SNS SigningCertURL is not an Amazon SNS certificate URL in the topic's region",
    );
  const pem = await deps.certificates.load(message.SigningCertURL, message.TopicArn);
  verifySnsSignature(message, pem, deps.clock.now());
}

function confirmation(message: SnsMessage, settings: SesConfig): ProviderOutcome {
  const subscribeUrl = checkSubscribeUrl(message.SubscribeURL, message.TopicArn);
  if (!settings.auto_confirm) {
    return {
      kind: 'ack',
      note:
        `subscription to ${message.TopicArn} not confirmed (settings: ses.auto_confirm is off); ` +
        'turn ses.auto_confirm on, then request confirmation again from the SNS console',
    };
  }
  return { kind: 'confirm', subscribeUrl, topicArn: message.TopicArn };
}

export const sesProvider = defineProvider({
  name: 'ses',
  title: 'Amazon SES (SNS over HTTPS)',
  verification:
    'Amazon SNS envelope (SES notifications or event publishing), SignatureVersion 1 or 2, TopicArn in `ses.topic_arns` (403 otherwise); a verified SubscriptionConfirmation for an allowed topic is confirmed even while processing is disabled. A body that is not an SNS envelope (raw message delivery on) is a 401. SNS posts with `Content-Type: text/plain`.',
  settings: SETTINGS,
  // A verified SubscriptionConfirmation is confirmed even while processing is off, so a subscription
  // made at deploy time does not expire unconfirmed (it records nothing).
  verifiesBeforeEnabledCheck: true,

  checkSettings(config) {
    return config.enabled && config.topic_arns.length === 0
      ? {
          field: 'topic_arns',
          message: 'needs at least one topic ARN while ses.enabled (only allowed topics count)',
        }
      : null;
  },
  async handle(request: ProviderRequest, settings: SesConfig, deps: ProviderDeps): Promise<ProviderOutcome> {
    const message = parseSnsMessage(request.rawBody, request.headers);
    await verify(message, settings, deps);
    switch (message.Type) {
      case 'SubscriptionConfirmation':
        return confirmation(message, settings);
      case 'UnsubscribeConfirmation':
        // Its SubscribeURL would subscribe the endpoint again (listmonk follows it by mistake).
        return { kind: 'ack', note: `unsubscribed from ${message.TopicArn}; not re-subscribing` };
      case 'Notification':
        return {
          kind: 'events',
          ...mapSesMessage(message.Message, { snsMessageId: message.MessageId, topicArn: message.TopicArn }),
        };
    }
  },
});
