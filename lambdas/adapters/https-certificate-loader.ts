import { BounceError, InternalError, UnauthenticatedError } from '../core/errors.js';
import type { CertificateLoader } from '../core/providers/provider.js';
import { isSigningCertUrl } from '../core/providers/sns-message.js';

/** The part of `fetch` the adapters use; tests pass a fake, production the global one. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpsCertificateLoaderOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxEntries?: number;
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/** The first PEM certificate block of a text; found by position, not by a backtracking pattern. */
function firstPemCertificate(text: string): string | undefined {
  const begin = text.indexOf(PEM_BEGIN);
  if (begin < 0) return undefined;
  const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length + 1);
  return end < 0 ? undefined : text.slice(begin, end + PEM_END.length);
}

/**
 * Reads at most `maxBytes` of a body. Counting the stream (not only Content-Length, which may be
 * absent or wrong) is what actually bounds the memory a slow or hostile server can make us hold.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new UnauthenticatedError('SNS signing certificate is too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches SNS signing certificates over HTTPS (TLS to the SNS host is what makes them Amazon's),
 * with a timeout, a 10 KB cap and a bounded LRU cache per URL (certificates at a URL never change;
 * SNS rotates by publishing a new file name).
 *
 * Failures that say the URL holds no certificate (4xx, too large, not PEM) are 401s; timeouts,
 * network errors and 5xx are our own trouble and answer 500, so SNS delivers again instead of the
 * bounce being lost.
 */
export class HttpsCertificateLoader implements CertificateLoader {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(
    private readonly fetchImpl: Fetch = (url, init) => fetch(url, init),
    options: HttpsCertificateLoaderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxBytes = options.maxBytes ?? 10 * 1024;
    this.maxEntries = options.maxEntries ?? 50;
  }

  load(url: string, topicArn: string): Promise<string> {
    // The provider checked this already; checked again because this is the code that fetches.
    if (!isSigningCertUrl(url, topicArn))
      return Promise.reject(
        new UnauthenticatedError(
          "SNS SigningCertURL is not an Amazon SNS certificate URL in the topic's region",
        ),
      );
    const cached = this.cache.get(url);
    if (cached) {
      this.cache.delete(url);
      this.cache.set(url, cached);
      return cached;
    }
    // The promise is cached, so concurrent requests for one new certificate fetch it once.
    const pending = this.fetchPem(url);
    this.cache.set(url, pending);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    pending.catch(() => {
      if (this.cache.get(url) === pending) this.cache.delete(url);
    });
    return pending;
  }

  private async fetchPem(url: string): Promise<string> {
    try {
      const response = await this.fetchImpl(url, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 500 || response.status === 429)
          throw new InternalError(`SNS signing certificate fetch answered HTTP ${response.status}`);
        throw new UnauthenticatedError('SNS signing certificate could not be retrieved');
      }
      if (Number(response.headers.get('content-length') ?? 0) > this.maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new UnauthenticatedError('SNS signing certificate is too large');
      }
      const pem = firstPemCertificate(await readCapped(response.body, this.maxBytes));
      if (!pem) throw new UnauthenticatedError('SNS signing certificate is not a PEM certificate');
      return pem;
    } catch (cause) {
      if (cause instanceof BounceError) throw cause;
      throw new InternalError('could not fetch the SNS signing certificate', { cause });
    }
  }
}
