import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../core/errors.js';
import { CURSOR_KEY_SECRET } from '../core/settings/settings-secrets.js';
import type { SecretStore } from '../core/settings/settings-service.js';

const LABEL = 'stmails-bounce-cursor-v1\n';
/** How long a container trusts the key it read: containers that raced to make the first key agree within it. */
const KEY_REFRESH_MS = 60_000;

function notOurs(): ValidationError {
  return new ValidationError('cursor', 'is not a cursor this listing returned');
}

/**
 * Seals list cursors with HMAC-SHA256 under a key kept in the secret store (Secrets Manager in AWS,
 * the local file or memory store otherwise), made at random on first use. A cursor that was altered,
 * made up, or sealed by another deployment opens as a 400 naming `cursor`. The key never leaves this
 * object: it is not logged, not shown in settings, and a settings save keeps it.
 */
export class CursorSigner {
  private current: { key: Buffer; readAt: number } | undefined;
  /** Keys this container sealed with before a refresh replaced them, so its own pages still open. */
  private previous: Buffer[] = [];

  constructor(
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  async seal(payload: unknown): Promise<string> {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(await this.key(), body).toString('base64url')}`;
  }

  /** The payload of a cursor this service sealed; a ValidationError naming `cursor` otherwise. */
  async open(cursor: string): Promise<unknown> {
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw notOurs();
    const body = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const keys = [await this.key(), ...this.previous];
    if (!keys.some((key) => this.matches(this.mac(key, body), given))) throw notOurs();
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw notOurs();
    }
  }

  private mac(key: Buffer, body: string): Buffer {
    return createHmac('sha256', key).update(LABEL).update(body).digest();
  }

  private matches(expected: Buffer, given: Buffer): boolean {
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private async key(): Promise<Buffer> {
    const now = this.now();
    if (this.current && now - this.current.readAt < KEY_REFRESH_MS) return this.current.key;
    let stored = (await this.secrets.get())[CURSOR_KEY_SECRET];
    if (!stored) {
      const made = randomBytes(32).toString('base64');
      await this.secrets.put({ ...(await this.secrets.get()), [CURSOR_KEY_SECRET]: made });
      // Read back: when two containers made a key at once, the one stored is the one to use.
      stored = (await this.secrets.get())[CURSOR_KEY_SECRET] ?? made;
    }
    const key = Buffer.from(stored, 'base64');
    if (this.current && !this.current.key.equals(key)) this.previous = [this.current.key];
    this.current = { key, readAt: now };
    return key;
  }
}
