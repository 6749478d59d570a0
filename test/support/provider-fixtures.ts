import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from './fakes.js';

type Json = Record<string, unknown>;

/** What `handle` needs besides the request; the basic-auth providers use neither clock nor certificates. */
export const PROVIDER_DEPS = { clock: new FakeClock(), certificates: { load: async () => '' } };

/** The ids the provider fixtures carry in their custom data, so correlation can be asserted. */
export const CAMPAIGN = '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21';
export const SUBSCRIBER = '0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b';

/** Readers of `test/fixtures/providers/<provider>/`: raw bytes (as signed or sent) and parsed JSON. */
export function providerFixtures(provider: string): {
  fixture: (name: string) => Buffer;
  json: (name: string) => Json;
  jsonList: (name: string) => Json[];
} {
  const dir = join(import.meta.dirname, '../fixtures/providers', provider);
  const fixture = (name: string): Buffer => readFileSync(join(dir, name));
  return {
    fixture,
    json: (name) => JSON.parse(fixture(name).toString('utf8')),
    jsonList: (name) => JSON.parse(fixture(name).toString('utf8')),
  };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
