import { describe, expect, it } from 'vitest';
import { type Fetch, HttpsCertificateLoader } from '../../lambdas/adapters/https-certificate-loader.js';
import { InternalError, UnauthenticatedError } from '../../lambdas/core/errors.js';
import { TEST_CERT_PEM, TEST_CERT_URL, TEST_TOPIC_ARN } from '../support/sns-signer.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fake fetch answering every request with `respond()`, and remembering the requests. */
function fakeFetch(
  respond: (url: string) => Response | Promise<Response> = () => new Response(TEST_CERT_PEM),
) {
  const calls: Call[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, init });
    return respond(url);
  };
  return { fetch, calls };
}

function certUrl(n: number): string {
  return `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-cert${n}.pem`;
}

/** A body of `chunks` chunks of 1 KB each, with no Content-Length. */
function streamed(chunks: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(1024).fill(65));
      else controller.close();
    },
  });
}

describe('HttpsCertificateLoader', () => {
  it('returns the PEM certificate served at the URL', async () => {
    const { fetch } = fakeFetch();
    expect(await new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).toBe(
      TEST_CERT_PEM.trim(),
    );
  });

  it('fetches with GET, a timeout signal and without following redirects', async () => {
    const { fetch, calls } = fakeFetch();
    await new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN);
    expect(calls[0]?.url).toBe(TEST_CERT_URL);
    expect(calls[0]?.init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(calls[0]?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses a URL outside the SNS rule without fetching it', async () => {
    const { fetch, calls } = fakeFetch();
    const loader = new HttpsCertificateLoader(fetch);
    await expect(
      loader.load('https://evil.example/SimpleNotificationService-abc.pem', TEST_TOPIC_ARN),
    ).rejects.toThrow(UnauthenticatedError);
    expect(calls).toEqual([]);
  });

  it.each([
    'sns.s3.amazonaws.com',
    'sns.s3-external-1.amazonaws.com',
    'sns.s3-accelerate.amazonaws.com',
    'sns.eu-west-1.amazonaws.com',
  ])('refuses a certificate on %s for a us-east-1 topic without fetching it', async (host) => {
    const { fetch, calls } = fakeFetch();
    const url = `https://${host}/SimpleNotificationService-abc.pem`;
    await expect(new HttpsCertificateLoader(fetch).load(url, TEST_TOPIC_ARN)).rejects.toThrow(
      UnauthenticatedError,
    );
    expect(calls).toEqual([]);
  });

  it('serves a second load of the same URL from the cache', async () => {
    const { fetch, calls } = fakeFetch();
    const loader = new HttpsCertificateLoader(fetch);
    await loader.load(TEST_CERT_URL, TEST_TOPIC_ARN);
    await loader.load(TEST_CERT_URL, TEST_TOPIC_ARN);
    expect(calls).toHaveLength(1);
  });

  it('fetches once for concurrent loads of one new URL', async () => {
    const { fetch, calls } = fakeFetch();
    const loader = new HttpsCertificateLoader(fetch);
    await Promise.all([
      loader.load(TEST_CERT_URL, TEST_TOPIC_ARN),
      loader.load(TEST_CERT_URL, TEST_TOPIC_ARN),
    ]);
    expect(calls).toHaveLength(1);
  });

  it('keeps at most 50 certificates, evicting the least recently used', async () => {
    const { fetch, calls } = fakeFetch();
    const loader = new HttpsCertificateLoader(fetch);
    for (let n = 0; n < 50; n++) await loader.load(certUrl(n), TEST_TOPIC_ARN);
    await loader.load(certUrl(0), TEST_TOPIC_ARN); // now the most recently used
    await loader.load(certUrl(50), TEST_TOPIC_ARN); // evicts certUrl(1)
    calls.length = 0;
    await loader.load(certUrl(0), TEST_TOPIC_ARN);
    await loader.load(certUrl(1), TEST_TOPIC_ARN);
    expect(calls.map((c) => c.url)).toEqual([certUrl(1)]);
  });

  it('does not cache a failure', async () => {
    let status = 503;
    const { fetch, calls } = fakeFetch(
      () => new Response(status === 200 ? TEST_CERT_PEM : 'down', { status }),
    );
    const loader = new HttpsCertificateLoader(fetch);
    await expect(loader.load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(InternalError);
    status = 200;
    expect(await loader.load(TEST_CERT_URL, TEST_TOPIC_ARN)).toContain('BEGIN CERTIFICATE');
    expect(calls).toHaveLength(2);
  });

  it('refuses a 404 as a failed verification (401)', async () => {
    const { fetch } = fakeFetch(() => new Response('no such key', { status: 404 }));
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      UnauthenticatedError,
    );
  });

  it('refuses a redirect instead of following it', async () => {
    const redirect = new Response(null, { status: 302, headers: { location: 'https://evil.example/c.pem' } });
    const { fetch, calls } = fakeFetch(() => redirect);
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      UnauthenticatedError,
    );
    expect(calls).toHaveLength(1);
  });

  it('answers a 5xx as our own trouble (500), so SNS retries', async () => {
    const { fetch } = fakeFetch(() => new Response('busy', { status: 503 }));
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      InternalError,
    );
  });

  it('answers a network error as our own trouble (500)', async () => {
    const fetch: Fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      InternalError,
    );
  });

  it('gives up after its timeout', async () => {
    const fetch: Fetch = (_, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const loader = new HttpsCertificateLoader(fetch, { timeoutMs: 20 });
    await expect(loader.load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(InternalError);
  });

  it('refuses a body declared larger than 10 KB before reading it', async () => {
    const { fetch } = fakeFetch(
      () => new Response(TEST_CERT_PEM, { headers: { 'content-length': String(10 * 1024 + 1) } }),
    );
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      /too large/,
    );
  });

  it('stops reading a body without Content-Length once it passes 10 KB', async () => {
    const { fetch } = fakeFetch(() => new Response(streamed(1000)));
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      /too large/,
    );
  });

  it('refuses a body that holds no PEM certificate', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>hello</html>'));
    await expect(new HttpsCertificateLoader(fetch).load(TEST_CERT_URL, TEST_TOPIC_ARN)).rejects.toThrow(
      UnauthenticatedError,
    );
  });
});
