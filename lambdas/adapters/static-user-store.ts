import type { ApiUser, UserStore } from '../core/ports.js';

/** API users held in memory: the local server's printed user, and tests. */
export class StaticUserStore implements UserStore {
  private readonly users: Map<string, ApiUser>;

  constructor(users: readonly ApiUser[]) {
    this.users = new Map(users.map((u) => [u.name, u]));
  }

  async find(name: string): Promise<ApiUser | null> {
    return this.users.get(name) ?? null;
  }
}
