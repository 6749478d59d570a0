import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/mail');

export function fixture(name: string): Uint8Array {
  return readFileSync(join(FIXTURES, name));
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.eml'))
    .sort();
}

/** The same message with CRLF line ends, as a POP3 server hands it over. */
export function crlf(bytes: Uint8Array): Uint8Array {
  return new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\r?\n/g, '\r\n'));
}
