import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm start (bin/local.ts)', () => {
  it('honours PORT and fixed credentials, prints them, serves, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        STMAILS_API_USER: 'ops',
        STMAILS_API_TOKEN: 'fixed-token-for-test-1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line in: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1] as string);
        }
      });
    });
    expect(out).toContain('API user:     ops');
    expect(out).toContain('API token:    fixed-token-for-test-1');
    const res = await fetch(`${url}/api/bounces`, {
      headers: { Authorization: 'token ops:fixed-token-for-test-1' },
    });
    expect(res.status).toBe(200);

    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});
