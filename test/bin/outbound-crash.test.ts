import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newSecret } from '../support/outbound/outbound-harness.js';
import { WebhookReceiver } from '../support/outbound/receiver.js';

const ROOT = resolve(import.meta.dirname, '../..');
const AUTH = { Authorization: 'token ops:crash-test-token-1' };

function start(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      STMAILS_DATA_DIR: dataDir,
      STMAILS_API_USER: 'ops',
      STMAILS_API_TOKEN: 'crash-test-token-1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (chunk) => {
    if (process.env.DEBUG_CRASH) process.stderr.write(chunk);
  });
  child.stdout?.on('data', (chunk) => {
    if (process.env.DEBUG_CRASH) process.stderr.write(chunk);
  });
  return new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line in: ${out}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({ child, url: m[1] as string });
      }
    });
  });
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start killed between the action and its delivery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stmails-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers the event after a restart over the same data dir', async () => {
    const secret = newSecret();
    const receiver = await new WebhookReceiver(secret).start();
    try {
      // The receiver is failing when the action fires, so the event is stored but not delivered.
      receiver.plan = [503];
      const first = await start(dataDir);
      children.push(first.child);
      const put = await fetch(`${first.url}/api/settings/bounce`, {
        method: 'PUT',
        headers: { ...AUTH, 'Content-Type': 'application/json', 'If-Match': '"0"' },
        body: JSON.stringify({ outbound: { webhooks: [{ url: receiver.url, secret }] } }),
      });
      expect(put.status).toBe(200);
      const posted = await fetch(`${first.url}/webhooks/bounce`, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'crash@example.com', source: 'api', type: 'hard' }),
      });
      expect(posted.status).toBe(200);
      await until(() => receiver.received.length >= 1, 'the first (failing) attempt');
      // Kill once the failed attempt is on record (a kill during an attempt also loses nothing, but
      // then waits out that attempt's 60 s lease).
      let attempts = 0;
      while (attempts < 1) {
        const res = await fetch(`${first.url}/api/outbound/deliveries?status=pending`, { headers: AUTH });
        attempts =
          ((await res.json()) as { data: { results: { attempts: number }[] } }).data.results[0]?.attempts ??
          0;
      }
      const exited = new Promise((r) => first.child.on('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      expect(receiver.delivered).toHaveLength(0);

      receiver.plan = ['ok'];
      const second = await start(dataDir);
      children.push(second.child);
      await until(() => receiver.delivered.length >= 1, 'the delivery after the restart');
      expect(receiver.delivered.map((r) => (r.payload as { type: string }).type)).toEqual([
        'subscriber.blocklisted',
      ]);
      second.child.kill('SIGINT');
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
