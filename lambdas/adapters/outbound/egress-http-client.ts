import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import {
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  SendError,
} from '../../core/outbound/ports.js';
import { addressRefusal, bareHost, type EgressPolicy, urlRefusal } from './egress-policy.js';

export interface EgressOptions extends EgressPolicy {
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** The resolver (tests pass one that answers like a rebinding DNS server). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

class Refused extends Error {}

function systemResolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );
}

/**
 * HTTP for sinks under the egress rules. The address is checked inside the socket's own lookup, so
 * the connection goes to exactly the address that was checked: a DNS answer that changes between a
 * check and the connect (rebinding) cannot slip a private address in. No redirects are followed,
 * answers are read up to a cap, and the whole exchange has one deadline.
 */
export class EgressHttpClient implements HttpClient {
  private readonly timeoutMs: number;
  private readonly maxBody: number;
  private readonly resolve: (host: string) => Promise<LookupAddress[]>;

  constructor(private readonly options: EgressOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBody = options.maxBodyBytes ?? 64 * 1024;
    this.resolve = options.resolve ?? systemResolve;
  }

  private lookup(host: string): LookupFunction {
    return (hostname, opts, callback) => {
      this.resolve(hostname)
        .then((addresses) => {
          if (addresses.length === 0) throw new Error(`${hostname} has no address`);
          for (const a of addresses) {
            const why = addressRefusal(this.options, host, a.address);
            if (why) throw new Refused(why);
          }
          const wanted =
            opts.family === 4 || opts.family === 6
              ? addresses.filter((a) => a.family === opts.family)
              : addresses;
          const list = wanted.length > 0 ? wanted : addresses;
          if (opts.all) callback(null, list);
          else callback(null, (list[0] as LookupAddress).address, (list[0] as LookupAddress).family);
        })
        .catch((error: Error) => callback(error as NodeJS.ErrnoException, '', 0));
    };
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new SendError('the URL is not valid', false);
    }
    const why = urlRefusal(this.options, url);
    if (why) throw new SendError(why, false);
    const host = bareHost(url.hostname);
    if (isIP(host)) {
      const refused = addressRefusal(this.options, host, host);
      if (refused) throw new SendError(refused, false);
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = mod.request(url, {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(request.body)) }
            : {}),
        },
        lookup: this.lookup(host),
        agent: false,
      });
      const deadline = setTimeout(
        () => req.destroy(new SendError(`no answer within ${this.timeoutMs / 1000} s`, true)),
        this.timeoutMs,
      );
      const fail = (error: Error) => {
        clearTimeout(deadline);
        if (error instanceof SendError) reject(error);
        else if (error instanceof Refused) reject(new SendError(error.message, false));
        else reject(new SendError((error as NodeJS.ErrnoException).code ?? error.message, true));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= this.maxBody) return;
          const room = this.maxBody - size;
          chunks.push(chunk.subarray(0, room));
          size += Math.min(room, chunk.length);
          // Enough read: the status decides, the rest of a huge answer is not our problem.
          if (size >= this.maxBody) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', (error) => (size >= this.maxBody ? undefined : fail(error)));
      });
      req.end(request.body);
    });
  }
}
