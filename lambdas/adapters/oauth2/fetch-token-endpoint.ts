import type { TokenEndpoint } from '../../core/mailbox/oauth2-tokens.js';
import { isAllowedTokenUrl } from '../../core/settings/settings-validation.js';

export interface FetchTokenEndpointOptions {
  /** Whole request, answer included (default 10 s). */
  timeoutMs?: number;
  /** Largest answer read (default 64 KiB): a token answer is small. */
  maxBytes?: number;
}

/**
 * The OAuth2 token endpoint over fetch: https, or http only to loopback (checked again here, whatever
 * the settings said), no redirects followed, a timeout and a size cap. Never logs the form.
 */
export class FetchTokenEndpoint implements TokenEndpoint {
  constructor(private readonly options: FetchTokenEndpointOptions = {}) {}

  async post(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }> {
    if (!isAllowedTokenUrl(url)) throw new Error('the token URL must be https (http only to loopback)');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await readCapped(res, this.options.maxBytes ?? 64 * 1024);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body };
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`the token endpoint's answer is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
