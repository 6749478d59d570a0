import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a failing request meets. `reset` and the error answers never reach the store; `drop-after`
 * forwards the request, lets the store apply it, then cuts the connection before the answer, so the
 * write happened but the client sees a failure (what a lost response looks like from outside).
 */
export const FAULT_KINDS = ['reset', 'server-error', 'throttling', 'throughput', 'drop-after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultProxyOptions {
  /** The DynamoDB-compatible endpoint requests are forwarded to (dynalite). */
  target: string;
  /** Share of requests that fail, 0 to 1; change it later with `setFailureRate`. */
  failureRate?: number;
  /** Seeds the pseudo-random choice of which requests fail and how: same seed, same faults. */
  seed?: number;
  /** The kinds of failure drawn from (equally likely); all of them by default. */
  kinds?: readonly FaultKind[];
}

export interface FaultStats {
  requests: number;
  /** Requests the store received (passed through, or applied then dropped). */
  forwarded: number;
  faults: Record<FaultKind, number>;
}

export interface FaultProxy {
  endpoint: string;
  stats: FaultStats;
  setFailureRate(rate: number): void;
  /**
   * Fails the next request for `operation` (`PutItem`, `UpdateItem`...; any when omitted) with
   * `kind`, whatever the rate: for tests of one fault at one step.
   */
  failNext(kind: FaultKind, operation?: string): void;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, so a run's faults can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ERROR_TYPE = 'com.amazonaws.dynamodb.v20120810#';
const ANSWERS: Partial<Record<FaultKind, { status: number; type: string; message: string }>> = {
  'server-error': { status: 500, type: 'InternalServerError', message: 'Internal server error' },
  throttling: {
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  throughput: {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (res) => {
        readBody(res).then(
          (data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/**
 * An HTTP proxy on loopback in front of a DynamoDB endpoint that fails a seeded share of requests
 * (connections reset, 500s, throttling answers, responses lost after the write). Point a client's
 * endpoint (or STMAILS_DYNAMODB_ENDPOINT) at `endpoint`.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const kinds = options.kinds ?? FAULT_KINDS;
  let rate = options.failureRate ?? 0;
  const scripted: { kind: FaultKind; operation?: string }[] = [];
  const stats: FaultStats = {
    requests: 0,
    forwarded: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    stats.requests++;
    // Both draws happen for every request, so the sequence does not shift with the rate's outcome.
    let fails = random() < rate;
    let kind = kinds[Math.floor(random() * kinds.length)] as FaultKind;
    const operation = String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    const script = scripted.findIndex((s) => s.operation === undefined || s.operation === operation);
    if (script >= 0) {
      fails = true;
      kind = (scripted.splice(script, 1)[0] as { kind: FaultKind }).kind;
    }
    if (fails) stats.faults[kind]++;
    if (fails && kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const answer = fails ? ANSWERS[kind] : undefined;
    if (answer) {
      const payload = JSON.stringify({ __type: `${ERROR_TYPE}${answer.type}`, message: answer.message });
      res.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
      return;
    }
    stats.forwarded++;
    const upstream = await forward(target, req, body);
    if (fails && kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setFailureRate: (next) => {
      rate = next;
    },
    failNext: (kind, operation) => {
      scripted.push({ kind, ...(operation ? { operation } : {}) });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
