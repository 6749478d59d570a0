import { sha256Hex } from '../core/access/authenticate.js';
import type { ApiUser, UserStore } from '../core/ports.js';

export interface PlainUser {
  name: string;
  token: string;
  permissions: readonly string[];
}

/** API users held in memory (the local server's printed user, tests); tokens kept only as digests. */
export class StaticUserStore implements UserStore {
  private readonly users: Map<string, ApiUser>;

  constructor(users: readonly PlainUser[]) {
    this.users = new Map(
      users.map((u) => [
        u.name,
        { name: u.name, tokenSha256: sha256Hex(u.token), permissions: u.permissions },
      ]),
    );
  }

  async find(name: string): Promise<ApiUser | null> {
    return this.users.get(name) ?? null;
  }
}
