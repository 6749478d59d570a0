import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sha256Hex } from '../core/access/authenticate.js';
import { isPermission } from '../core/access/permissions.js';
import { InternalError } from '../core/errors.js';
import type { ApiUser, Clock, UserStore } from '../core/ports.js';

/**
 * API users from one Secrets Manager secret holding `{"users": [{"name", "token", "permissions"}]}`.
 * Read once per `cacheMs` per container; tokens never leave this object.
 */
export class SecretsManagerUserStore implements UserStore {
  private cached?: { at: number; users: Map<string, ApiUser> };

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly clock: Clock,
    private readonly cacheMs = 60_000,
  ) {}

  async find(name: string): Promise<ApiUser | null> {
    const now = this.clock.now().getTime();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      this.cached = { at: now, users: await this.load() };
    }
    return this.cached.users.get(name) ?? null;
  }

  private async load(): Promise<Map<string, ApiUser>> {
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString;
    } catch (cause) {
      throw new InternalError('could not read the API users secret', { cause });
    }
    const users = new Map<string, ApiUser>();
    let parsed: { users?: unknown };
    try {
      parsed = JSON.parse(text ?? '{}');
    } catch (cause) {
      throw new InternalError('the API users secret is not JSON', { cause });
    }
    for (const raw of Array.isArray(parsed.users) ? parsed.users : []) {
      const u = raw as { name?: unknown; token?: unknown; permissions?: unknown };
      if (typeof u.name !== 'string' || typeof u.token !== 'string' || u.token.trim().length < 16) continue;
      users.set(u.name, {
        name: u.name,
        tokenSha256: sha256Hex(u.token),
        permissions: Array.isArray(u.permissions) ? u.permissions.filter(isPermission) : [],
      });
    }
    return users;
  }
}
