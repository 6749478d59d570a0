/**
 * The floor the recording service is measured against: the least an HTTP service that stores a bounce
 * can do. One POST, one JSON parse, one conditional PutItem of the same bounce item the service writes
 * (same table layout, same SDK client setup), one JSON answer; no auth, no validation, no subscriber.
 * Run as its own process by `npm run bench -- throughput`: TABLE_NAME, DYNAMODB_ENDPOINT; prints
 * `listening <port>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { bounceToItem } from '../../lambdas/adapters/dynamodb/bounce-item.js';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import type { Bounce } from '../../lambdas/core/bounces/bounce.js';
import { localClientConfig } from '../local/local-dynamodb.js';

const table = process.env.TABLE_NAME as string;
const db = createDocumentClient(localClientConfig(process.env.DYNAMODB_ENDPOINT as string));
const ids = ulidIds();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const createdAt = body.created_at ?? new Date().toISOString();
      const bounce: Bounce = {
        id: ids.next(Date.parse(createdAt)),
        email: String(body.email).toLowerCase(),
        type: body.type,
        reason: 'unknown',
        source: body.source,
        meta: body.meta ?? {},
        created_at: createdAt,
        ...(body.campaign_uuid ? { campaign_uuid: body.campaign_uuid } : {}),
        event_key: body.event_id ?? randomUUID(),
      };
      await db.send(
        new PutCommand({
          TableName: table,
          Item: bounceToItem(bounce),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { id: bounce.id } }));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (error as Error).message }));
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
// Ends with the benchmark that started it.
process.on('disconnect', () => process.exit(0));
