import { verify, X509Certificate } from 'node:crypto';
import { UnauthenticatedError, ValidationError } from '../errors.js';

/**
 * Amazon SNS HTTP(S) delivery: the JSON envelope, SNS's canonical string to sign, the signing
 * certificate URL rule and the RSA check (reference: AWS "Verifying the signatures of Amazon SNS
 * messages"). Nothing here fetches: the certificate comes from the CertificateLoader port.
 */

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const TYPES: readonly string[] = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];
const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;
const TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]{1,256}$/;
// An AWS region name (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1). It is what keeps a
// TopicArn saying `s3` or `s3-external-1` from naming an S3 host as the topic's SNS endpoint.
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const ALGORITHMS: ReadonlyMap<unknown, string> = new Map([
  ['1', 'sha1'],
  ['2', 'sha256'],
]);

const RAW_DELIVERY_HINT =
  'not a signed SNS message: turn raw message delivery off on the SNS subscription (SES needs the SNS envelope)';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the SNS envelope from the raw body. SNS posts JSON as text/plain, so the body is parsed here
 * whatever the content type. Anything without the signature fields cannot be verified: with raw
 * message delivery on, SNS sends the bare SES JSON unsigned, which is the usual cause, so say so.
 */
export function parseSnsMessage(
  rawBody: Buffer,
  headers: Readonly<Record<string, string | undefined>>,
): SnsMessage {
  if (headers['x-amz-sns-rawdelivery']?.toLowerCase() === 'true')
    throw new UnauthenticatedError(RAW_DELIVERY_HINT);
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new UnauthenticatedError(RAW_DELIVERY_HINT);
  }
  if (!isRecord(body) || typeof body.Signature !== 'string' || typeof body.SigningCertURL !== 'string')
    throw new UnauthenticatedError(RAW_DELIVERY_HINT);
  if (typeof body.Type !== 'string' || !TYPES.includes(body.Type))
    throw new UnauthenticatedError('unsupported SNS message Type');
  const required = [...keysToSign(body.Type as SnsMessageType), 'SignatureVersion'].filter(
    (k) => k !== 'Subject',
  );
  for (const key of required)
    if (typeof body[key] !== 'string') throw new UnauthenticatedError(`SNS message has no ${key}`);
  if (!ALGORITHMS.has(body.SignatureVersion))
    throw new UnauthenticatedError('unsupported SNS SignatureVersion');
  if (body.Subject !== undefined && typeof body.Subject !== 'string')
    throw new UnauthenticatedError('SNS message Subject is not a string');
  return body as unknown as SnsMessage;
}

function keysToSign(type: SnsMessageType): readonly (keyof SnsMessage)[] {
  return type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
}

/**
 * `Key\nValue\n` for each signed key in byte order, values exactly as received (never re-formatted):
 * SNS signs its own strings, so a re-serialised Timestamp or Message would not verify.
 */
export function stringToSign(message: SnsMessage): string {
  let out = '';
  for (const key of keysToSign(message.Type)) {
    const value = message[key];
    if (typeof value === 'string') out += `${key}\n${value}\n`;
  }
  return out;
}

/** The region of an SNS topic ARN, or undefined when it is not one. */
export function topicRegion(topicArn: string): string | undefined {
  const region = TOPIC_ARN.exec(topicArn)?.[2];
  return region && REGION.test(region) ? region : undefined;
}

/** SNS's own endpoint host in a region: `sns.<region>.amazonaws.com`, `.amazonaws.com.cn` in China. */
export function snsHost(region: string): string {
  return `sns.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * The URL when it is https on exactly the SNS host of the topic's region, with no userinfo, port or
 * fragment, else null. Exact, not a pattern: `sns.s3.amazonaws.com` and its kin are S3 bucket hosts
 * (a bucket named `sns`), and whoever owns that bucket could serve a certificate there.
 */
export function snsUrlOfTopic(value: string, topicArn: string): URL | null {
  const region = topicRegion(topicArn);
  if (!region) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  // URL drops a default :443, so a port left here is a different one.
  const plain = url.protocol === 'https:' && !url.username && !url.password && url.port === '' && !url.hash;
  return plain && url.hostname === snsHost(region) ? url : null;
}

/**
 * The SigningCertURL rule: https on the SNS host of the topic's region, SNS's certificate file name,
 * no userinfo, port, query or fragment. The host is what keeps an attacker's own certificate out;
 * the adapter checks it again before fetching.
 */
export function isSigningCertUrl(value: string, topicArn: string): boolean {
  const url = snsUrlOfTopic(value, topicArn);
  return url !== null && !url.search && CERT_PATH.test(url.pathname);
}

/**
 * The SubscribeURL a confirmation may GET: SNS's own ConfirmSubscription endpoint in the topic's
 * region, for that topic. Anything else would let a signed message make us request other URLs.
 */
export function checkSubscribeUrl(value: string | undefined, topicArn: string): string {
  const url = value ? snsUrlOfTopic(value, topicArn) : null;
  if (url?.pathname !== '/')
    throw new ValidationError('SubscribeURL', "is not the SNS endpoint of the topic's region");
  const params = url.searchParams;
  if (
    params.get('Action') !== 'ConfirmSubscription' ||
    params.get('TopicArn') !== topicArn ||
    !params.get('Token')
  )
    throw new ValidationError('SubscribeURL', 'is not a ConfirmSubscription request for the topic');
  return value as string;
}

/**
 * Checks the signature with the certificate SNS names, inside the certificate's validity window at
 * `now`. Message Timestamps are deliberately not checked: SNS redelivers the original signed message
 * for up to an hour (longer with a custom policy); event keys stop replays instead.
 */
export function verifySnsSignature(message: SnsMessage, certificatePem: string, now: Date): void {
  const algorithm = ALGORITHMS.get(message.SignatureVersion);
  if (!algorithm) throw new UnauthenticatedError('unsupported SNS SignatureVersion');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    throw new UnauthenticatedError('SNS signing certificate is not a certificate');
  }
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(from <= now.getTime() && now.getTime() <= to))
    throw new UnauthenticatedError('SNS signing certificate is not valid at this time');
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new UnauthenticatedError('SNS signature is invalid');
  const signature = Buffer.from(message.Signature, 'base64');
  let ok = false;
  try {
    ok = verify(algorithm, Buffer.from(stringToSign(message), 'utf8'), cert.publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new UnauthenticatedError('SNS signature is invalid');
}
