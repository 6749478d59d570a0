import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ExportError } from './errors.js';

/** Fixed credentials or a provider of them, as the signer takes them. */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** API Gateway's service name in SigV4 credential scopes. */
export const EXECUTE_API = 'execute-api';

/** Request headers for one attempt; called per attempt so a signature is never older than its request. */
export type RequestHeaders = (url: URL) => Promise<Record<string, string>>;

export function basicAuth(user: string, token: string): RequestHeaders {
  const authorization = `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
  return async () => ({ Authorization: authorization });
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` (or `.amazonaws.com.cn`) names its region; a custom domain does not. */
export function regionOfUrl(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

/** A SigV4 signer for `execute-api` in `region`; credentials default to the AWS SDK's chain. */
export function signer(region: string, credentials: Credentials = defaultProvider()): SignatureV4 {
  return new SignatureV4({
    service: EXECUTE_API,
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
}

/** The SigV4 view of a GET without a body: what is signed is exactly what is sent. */
export function signableRequest(url: URL, headers: Record<string, string>) {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return {
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...headers, host: url.host },
  };
}

/**
 * Headers that sign each request with SigV4 (API Gateway in IAM mode): the default credential chain
 * (environment, shared config and SSO profiles, container and instance roles), refreshed as it expires.
 */
export function sigv4Auth(region: string, credentials?: Credentials): RequestHeaders {
  const sign = signer(region, credentials);
  return async (url) => {
    const signed = await sign.sign(signableRequest(url, {})).catch((err: Error) => {
      // No credentials is no transient fault: retrying would only delay the same answer.
      throw new ExportError(`cannot sign the request (--auth iam): ${err.message}`);
    });
    // fetch sets Host itself, from the URL that was signed.
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}
