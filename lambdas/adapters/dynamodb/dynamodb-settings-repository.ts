import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors.js';
import type { BounceSettings } from '../../core/settings/settings.js';
import type { SettingsRepository } from '../../core/settings/settings-service.js';
import { isConditionFailure, storage } from './client.js';
import { keys } from './keys.js';

/** The settings item: secret-free settings as JSON text plus a version for optimistic locking. */
export class DynamoDbSettingsRepository implements SettingsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(): Promise<{ stored: unknown; version: number }> {
    const res = await storage('read settings', () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: keys.settings(), ConsistentRead: true })),
    );
    if (!res.Item) return { stored: undefined, version: 0 };
    return { stored: JSON.parse(String(res.Item.settings)), version: Number(res.Item.version) };
  }

  async write(plain: BounceSettings, expected: number): Promise<number> {
    const version = expected + 1;
    try {
      await storage('write settings', () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...keys.settings(), settings: JSON.stringify(plain), version },
            ...(expected === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expected },
                }),
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConflictError('settings were changed by another request; read them again');
      throw error;
    }
    return version;
  }
}
