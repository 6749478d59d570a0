/**
 * `npm start`: the whole service on 127.0.0.1 (PORT, default 9000) over an embedded DynamoDB.
 * Environment: STMAILS_DATA_DIR (persist), STMAILS_API_USER / STMAILS_API_TOKEN (fixed credentials),
 * STMAILS_DYNAMODB_ENDPOINT (an external DynamoDB-compatible endpoint instead of dynalite).
 */
import { startLocalService } from './local/local-service.js';
import { usersFilePath } from './local/users-file.js';

function portFromEnv(): number {
  const raw = process.env.PORT ?? '9000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return port;
}

const user = process.env.STMAILS_API_USER;
const token = process.env.STMAILS_API_TOKEN;
if ((user && !token) || (!user && token)) {
  console.error('set both STMAILS_API_USER and STMAILS_API_TOKEN, or neither');
  process.exit(2);
}

const service = await startLocalService({
  port: portFromEnv(),
  usersFile: usersFilePath(),
  console: true,
  ...(process.env.STMAILS_DATA_DIR ? { dataDir: process.env.STMAILS_DATA_DIR } : {}),
  ...(user && token ? { user, token } : {}),
  ...(process.env.STMAILS_DYNAMODB_ENDPOINT
    ? { dynamodbEndpoint: process.env.STMAILS_DYNAMODB_ENDPOINT }
    : {}),
});

const storage = process.env.STMAILS_DYNAMODB_ENDPOINT
  ? `DynamoDB at ${process.env.STMAILS_DYNAMODB_ENDPOINT}`
  : process.env.STMAILS_DATA_DIR
    ? `embedded DynamoDB (dynalite), persisted in ${process.env.STMAILS_DATA_DIR}`
    : 'embedded DynamoDB (dynalite), in memory';
const credentials = `${service.user.name}:${service.user.token}`;
console.log(`stmails bounce service listening on ${service.url}
storage:      ${storage}
API user:     ${service.user.name}
API token:    ${service.user.token}${user ? '' : '   (generated; set STMAILS_API_USER/STMAILS_API_TOKEN to fix it)'}
console:      ${service.url}/console/ (sign in with the API user and token above)
permissions:  every permission (more users: npm run users -- add NAME --perm ...; file ${usersFilePath()})

try:
  curl -u '${credentials}' -X POST ${service.url}/webhooks/bounce -H "Content-Type: application/json" \\
    --data '{"email": "user1@mail.com", "campaign_uuid": "9f86b50d-5711-41c8-ab03-bc91c43d711b", "source": "api", "type": "hard", "meta": "{\\"additional\\": \\"info\\"}"}'
  curl -u '${credentials}' ${service.url}/api/bounces

Ctrl-C stops it.`);

// A reader that went away (a closed pipe) must not crash the service while it stops.
process.stdout.on('error', () => undefined);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await service.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// Started over IPC by another process (a benchmark, a supervisor): end with it.
if (process.send) process.on('disconnect', () => void stop('parent exited'));
