import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `npm start` as the package script runs it (tsx over bin/local.ts), on a free port. */
async function start(env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    // Generous: tsx compiles on start, and CI machines are shared.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start line in: ${out}`));
    }, 60_000);
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1] as string);
      }
    });
  });
  return { child, url, output: () => out };
}

/** The pids whose parent is `pid`, from /proc (Linux, where CI runs). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may hold spaces, so split after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has ended; only its exit status waits to be read by whoever adopted it.
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe('npm start (bin/local.ts)', () => {
  it('honours PORT and fixed credentials, prints them, serves, and stops cleanly on Ctrl-C', async () => {
    const { child, url, output } = await start({
      STMAILS_API_USER: 'ops',
      STMAILS_API_TOKEN: 'fixed-token-for-test-1',
    });
    expect(output()).toContain('API user:     ops');
    expect(output()).toContain('API token:    fixed-token-for-test-1');
    const res = await fetch(`${url}/api/bounces`, {
      headers: { Authorization: 'token ops:fixed-token-for-test-1' },
    });
    expect(res.status).toBe(200);

    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  }, 90_000);

  it.runIf(process.platform === 'linux')(
    'runs dynalite in a child process that ends when the service is killed with SIGKILL',
    async () => {
      const { child } = await start();
      const store = childrenOf(child.pid as number).filter((pid) =>
        commandLine(pid).includes('dynalite-process'),
      );
      expect(store).toHaveLength(1);
      const storePid = store[0] as number;
      expect(alive(storePid)).toBe(true);

      const exit = new Promise<void>((done) => child.on('exit', () => done()));
      child.kill('SIGKILL');
      await exit;
      // The store notices its parent's IPC channel closed; give it time, without timing it.
      for (let i = 0; i < 100 && alive(storePid); i++) await sleep(100);
      const survived = alive(storePid);
      // Never leave a store behind, also when this test fails.
      if (survived) process.kill(storePid, 'SIGKILL');
      expect(survived).toBe(false);
    },
    90_000,
  );
});
