import { join } from 'node:path';

/** Where `npm run users` and `npm start` keep local API users. */
export function usersFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.STMAILS_DATA_DIR ?? '.stmails-data', 'users.json');
}
