/**
 * `npm run users -- add NAME --perm bounces:get [--perm ...] | list | remove NAME`
 * Manages the local API users of `npm start`, kept in $STMAILS_DATA_DIR/users.json (default
 * .stmails-data/users.json). A new token is printed once; only its SHA-256 is stored.
 */
import { parseArgs } from 'node:util';
import { FileUserStore } from '../lambdas/adapters/file-user-store.js';
import { PERMISSIONS } from '../lambdas/core/access/permissions.js';
import { BounceError } from '../lambdas/core/errors.js';
import { usersFilePath } from './local/users-file.js';

const USAGE = `usage:
  npm run users -- add NAME --perm PERMISSION [--perm PERMISSION ...]   (or --perm all)
  npm run users -- list
  npm run users -- remove NAME
permissions: ${PERMISSIONS.join(', ')}
file: ${usersFilePath()}`;

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { perm: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, name, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const store = new FileUserStore(usersFilePath());
  if (command === 'list' && !name) {
    for (const u of store.list()) console.log(`${u.name}\t${u.permissions.join(',')}`);
    return 0;
  }
  if (!name || extra.length) {
    console.error(`${command} takes one NAME\n${USAGE}`);
    return 2;
  }
  if (command === 'add') {
    const perms = (values.perm ?? []).flatMap((p) => (p === 'all' ? [...PERMISSIONS] : p.split(',')));
    const token = store.add(name, perms, new Date().toISOString());
    console.log(
      `added ${name} (${perms.join(', ')})\ntoken: ${token}\nthe token is shown only now; use it as: curl -u '${name}:TOKEN' ...`,
    );
    return 0;
  }
  if (command === 'remove') {
    if (!store.remove(name)) {
      console.error(`no user ${name}`);
      return 1;
    }
    console.log(`removed ${name}`);
    return 0;
  }
  console.error(`unknown command ${command}\n${USAGE}`);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BounceError || error instanceof TypeError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
