import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { InternalError } from '../core/errors.js';
import type { SecretValues } from '../core/settings/settings-secrets.js';
import type { SecretStore } from '../core/settings/settings-service.js';

/** Provider and mailbox secrets as one JSON secret in Secrets Manager (the stack creates it). */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async get(): Promise<SecretValues> {
    try {
      const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      return JSON.parse(res.SecretString ?? '{}') as SecretValues;
    } catch (cause) {
      throw new InternalError('could not read the settings secret', { cause });
    }
  }

  async put(values: SecretValues): Promise<void> {
    try {
      await this.client.send(
        new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(values) }),
      );
    } catch (cause) {
      throw new InternalError('could not write the settings secret', { cause });
    }
  }
}
