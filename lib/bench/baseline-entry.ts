import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The floor the function bundles are measured against (lib/bench/bundle-size.ts): the least a
 * DynamoDB-backed Lambda loads, a DocumentClient and nothing else.
 */
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
