import type { SecretValues } from '../core/settings/settings-secrets.js';
import type { SecretStore } from '../core/settings/settings-service.js';

/** Secrets in process memory: the local server without a data dir, and tests. */
export class MemorySecretStore implements SecretStore {
  private values: SecretValues = {};

  async get(): Promise<SecretValues> {
    return { ...this.values };
  }

  async put(values: SecretValues): Promise<void> {
    this.values = { ...values };
  }
}
