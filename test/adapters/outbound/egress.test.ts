import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EgressHttpClient } from '../../../lambdas/adapters/outbound/egress-http-client.js';
import { addressRefusal, urlRefusal } from '../../../lambdas/adapters/outbound/egress-policy.js';
import { outcomeOfStatus } from '../../../lambdas/core/outbound/backoff.js';
import { SendError } from '../../../lambdas/core/outbound/ports.js';

const AWS = { allowLoopbackHttp: false, allow: [] };
const LOCAL = { allowLoopbackHttp: true, allow: [] };

let server: Server | undefined;
let hits = 0;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  hits = 0;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer((req, res) => {
    hits++;
    handler?.(req, res);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function refusal(client: EgressHttpClient, url: string): Promise<SendError> {
  const error = await client.send({ method: 'POST', url, headers: {}, body: '{}' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

describe('egress rules for sinks', () => {
  it('refuses plain http in AWS', async () => {
    const port = await serve((_q, s) => s.end());
    const error = await refusal(new EgressHttpClient(AWS), `http://127.0.0.1:${port}/`);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('https') });
    expect(hits).toBe(0);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.9',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
  ])('refuses %s, a loopback, private, link-local or unique-local address', (address) => {
    expect(addressRefusal(AWS, 'sink.example', address)).toMatch(/loopback, private/);
  });

  it('allows a public address', () => {
    expect(addressRefusal(AWS, 'sink.example', '93.184.215.14')).toBeNull();
    expect(urlRefusal(AWS, new URL('https://sink.example/hook'))).toBeNull();
  });

  it('checks the address the name resolves to, and connects to that one only (no rebinding)', async () => {
    const port = await serve((_q, s) => s.end());
    let lookups = 0;
    const client = new EgressHttpClient({
      ...LOCAL,
      // A rebinding resolver: the name points at loopback, where a private service listens.
      resolve: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const error = await refusal(client, `https://rebind.example:${port}/`);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('127.0.0.1') });
    expect(lookups).toBe(1);
    expect(hits).toBe(0);
  });

  it('lets npm start reach http://127.0.0.1 and http://localhost', async () => {
    const port = await serve((_q, s) => s.writeHead(204).end());
    const client = new EgressHttpClient(LOCAL);
    expect(
      (await client.send({ method: 'POST', url: `http://127.0.0.1:${port}/`, headers: {} })).status,
    ).toBe(204);
    expect(
      (await client.send({ method: 'POST', url: `http://localhost:${port}/`, headers: {} })).status,
    ).toBe(204);
  });

  it('allows a private target only when the deploy-time allow-list names its host or network', () => {
    const vpc = { allowLoopbackHttp: false, allow: ['stmails.internal', '10.20.0.0/16'] };
    expect(addressRefusal(vpc, 'stmails.internal', '10.99.0.5')).toBeNull();
    expect(addressRefusal(vpc, 'other.internal', '10.20.3.4')).toBeNull();
    expect(addressRefusal(vpc, 'other.internal', '10.21.3.4')).toMatch(/private/);
  });

  it('does not follow a redirect: the 3xx is the answer, and a final one', async () => {
    const port = await serve((_q, s) => s.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    const res = await new EgressHttpClient(LOCAL).send({
      method: 'POST',
      url: `http://127.0.0.1:${port}/`,
      headers: {},
    });
    expect(res.status).toBe(302);
    expect(hits).toBe(1);
    expect(outcomeOfStatus(res.status, 'webhook')).toMatchObject({ kind: 'final' });
  });

  it('reads at most the capped part of a huge answer', async () => {
    const port = await serve((_q, s) => {
      s.writeHead(500);
      s.end('x'.repeat(2_000_000));
    });
    const res = await new EgressHttpClient({ ...LOCAL, maxBodyBytes: 1024 }).send({
      method: 'POST',
      url: `http://127.0.0.1:${port}/`,
      headers: {},
    });
    expect(res.status).toBe(500);
    expect(res.body.length).toBe(1024);
  });

  it('gives up on a receiver that never answers, as a retryable failure', async () => {
    const port = await serve(() => undefined);
    const error = await refusal(
      new EgressHttpClient({ ...LOCAL, timeoutMs: 200 }),
      `http://127.0.0.1:${port}/`,
    );
    expect(error.retryable).toBe(true);
  });
});

describe('answers as outcomes', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'final'],
    [401, 'final'],
    [404, 'final'],
    [410, 'final'],
  ])('%i is %s', (status, kind) => {
    expect(outcomeOfStatus(status, 'sink').kind).toBe(kind);
  });
});
