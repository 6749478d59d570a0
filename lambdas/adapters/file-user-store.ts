import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256Hex } from '../core/access/authenticate.js';
import { isPermission, type Permission } from '../core/access/permissions.js';
import { ValidationError } from '../core/errors.js';
import type { ApiUser, UserStore } from '../core/ports.js';

interface StoredUser {
  name: string;
  token_sha256: string;
  permissions: Permission[];
  created_at: string;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Local API users in a JSON file (mode 0600) holding token digests only; `npm run users` edits it and
 * the running local server rereads it when it changes.
 */
export class FileUserStore implements UserStore {
  private cache?: { mtimeMs: number; users: Map<string, ApiUser> };

  constructor(private readonly path: string) {}

  async find(name: string): Promise<ApiUser | null> {
    return this.load().get(name) ?? null;
  }

  list(): ApiUser[] {
    return [...this.load().values()];
  }

  /** Adds a user with a new random token, returned once and never stored. */
  add(name: string, permissions: readonly string[], at: string): string {
    if (!NAME.test(name)) throw new ValidationError('name', 'must be 1-64 letters, digits or _.@-');
    const unknown = permissions.filter((p) => !isPermission(p));
    if (unknown.length) throw new ValidationError('perm', `unknown permission ${unknown.join(', ')}`);
    if (permissions.length === 0) throw new ValidationError('perm', 'give at least one --perm');
    const users = this.read();
    if (users.some((u) => u.name === name))
      throw new ValidationError('name', `user ${name} exists; remove it first`);
    const token = randomBytes(24).toString('base64url');
    users.push({
      name,
      token_sha256: sha256Hex(token),
      permissions: permissions as Permission[],
      created_at: at,
    });
    this.write(users);
    return token;
  }

  remove(name: string): boolean {
    const users = this.read();
    const kept = users.filter((u) => u.name !== name);
    if (kept.length === users.length) return false;
    this.write(kept);
    return true;
  }

  private read(): StoredUser[] {
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { users?: StoredUser[] };
      return Array.isArray(parsed.users) ? parsed.users : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private write(users: StoredUser[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
    this.cache = undefined;
  }

  private load(): Map<string, ApiUser> {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch {
      return new Map();
    }
    if (this.cache?.mtimeMs !== mtimeMs) {
      const users = this.read().map((u): [string, ApiUser] => [
        u.name,
        { name: u.name, tokenSha256: u.token_sha256, permissions: u.permissions.filter(isPermission) },
      ]);
      this.cache = { mtimeMs, users: new Map(users) };
    }
    return this.cache.users;
  }
}
