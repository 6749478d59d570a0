import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretValues } from '../core/settings/settings-secrets.js';
import type { SecretStore } from '../core/settings/settings-service.js';

/** Local stand-in for Secrets Manager: one JSON file readable by its owner only (mode 0600). */
export class FileSecretStore implements SecretStore {
  constructor(private readonly path: string) {}

  async get(): Promise<SecretValues> {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as SecretValues;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  async put(values: SecretValues): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(values), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
  }
}
