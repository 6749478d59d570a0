import { afterEach, expect } from 'vitest';
import { type FakePop3Options, FakePop3Server } from './fake-pop3-server.js';

/**
 * Fake POP3 servers for one test file. After each test every connection must have closed,
 * whatever the outcome, success or failure; then the servers stop.
 */
export function fakePop3Servers(defaults: FakePop3Options = {}) {
  const servers: FakePop3Server[] = [];
  afterEach(async () => {
    const open = servers.map((s) => expect.poll(() => s.sessions.filter((x) => !x.isClosed).length).toBe(0));
    await Promise.all(open);
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async serve(options: FakePop3Options = {}): Promise<FakePop3Server> {
      const server = await FakePop3Server.start({ ...defaults, ...options });
      servers.push(server);
      return server;
    },
    /** A server the test closed itself. */
    forget(server: FakePop3Server): void {
      servers.splice(servers.indexOf(server), 1);
    },
  };
}
