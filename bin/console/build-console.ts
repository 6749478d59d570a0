import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CONSOLE_SOURCE = join(ROOT, 'console');
/** Built assets: not committed (.gitignore), rebuilt by `npm start`, `npm run build:console` and the CDK bundling. */
export const CONSOLE_DIST = join(ROOT, 'console', 'dist');

export interface BuiltConsole {
  dir: string;
  files: { name: string; bytes: number; gzipped: number }[];
}

/**
 * Bundles the console (Preact + htm, uPlot, simple.css) with esbuild into `outDir`: index.html,
 * app.js and app.css, nothing fetched from elsewhere at run time.
 */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<BuiltConsole> {
  // esbuild is a devDependency: loaded only when building.
  const esbuild = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: { app: join(CONSOLE_SOURCE, 'src', 'main.js') },
    bundle: true,
    format: 'esm',
    minify: true,
    target: ['chrome110', 'firefox110', 'safari16'],
    outdir: outDir,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  copyFileSync(join(CONSOLE_SOURCE, 'index.html'), join(outDir, 'index.html'));
  const files = readdirSync(outDir).map((name) => {
    const body = readFileSync(join(outDir, name));
    return { name, bytes: statSync(join(outDir, name)).size, gzipped: gzipSync(body).length };
  });
  return { dir: outDir, files };
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The built console, built first when missing or older than its sources. Builds go to a private
 * folder renamed into place, so services starting side by side never serve a half-written build.
 */
export async function ensureConsoleBuilt(): Promise<string> {
  const index = join(CONSOLE_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(CONSOLE_SOURCE)) return CONSOLE_DIST;
  const temp = `${CONSOLE_DIST}.${process.pid}-${Date.now()}`;
  await buildConsole(temp);
  rmSync(CONSOLE_DIST, { recursive: true, force: true });
  try {
    renameSync(temp, CONSOLE_DIST);
  } catch (error) {
    // Another process put its build in place first: theirs is as good.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(index)) throw error;
  }
  return CONSOLE_DIST;
}
