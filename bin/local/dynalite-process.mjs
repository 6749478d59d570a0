// The embedded DynamoDB (dynalite) in a process of its own, started by local-dynamodb.ts with an IPC
// channel. Plain JavaScript so it starts without a TypeScript loader. It serves on a free loopback
// port, reports the port over IPC, and lives exactly as long as its parent: when the channel closes
// (the parent exited, crashed or was killed with SIGKILL) it exits too, so no store outlives `npm start`.
import dynalite from 'dynalite';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = dynalite(options);
// Requests served, for benchmarks that measure the DynamoDB request rate a service drives.
let served = 0;
server.on('request', () => {
  served++;
});

function exit() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  // A request dynalite never answers must not keep a store without a parent alive.
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('disconnect', exit);
process.on('message', (message) => {
  if (message === 'close') exit();
  if (message === 'served') process.send?.({ served });
});
// Ctrl-C in a terminal reaches the whole process group; the parent still needs the store while it
// finishes the requests in flight, and closes it (or disconnects) when it is done.
process.on('SIGINT', () => undefined);

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
