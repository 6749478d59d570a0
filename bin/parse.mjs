#!/usr/bin/env node
/**
 * `npm run parse` runs this file: the parser's command line (bin/parse.ts) prebuilt into one ES
 * module, so a run pays Node's start-up and not a TypeScript loader's (tsx costs 0.5-1 s before the
 * first line of the parser runs, which a batch score would measure instead of the parser).
 *
 * The bundle lives in node_modules/.cache/stmails-parse (never committed). `npm ci` builds it (the
 * prepare script runs `node bin/parse.mjs --build`); every run checks the modification times of the
 * sources it was built from and rebuilds first when one is newer, so an edited parser is never
 * answered by a stale build. Without esbuild (an install without dev dependencies) it runs the
 * TypeScript source through tsx instead: slower, same answers.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'bin/parse.ts';
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'stmails-parse');
const BUNDLE = join(OUT_DIR, 'parse.mjs');
const MANIFEST = join(OUT_DIR, 'inputs.json');

/**
 * Whether the bundle is missing, or any file it was built from changed since: modified after the
 * build started, or not the same file (size or time) as when it was built, which also catches a
 * file replaced by an older copy.
 */
function stale() {
  if (!existsSync(BUNDLE) || !existsSync(MANIFEST)) return true;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return inputs.some(([file, mtimeMs, size]) => {
      const now = statSync(join(ROOT, file));
      return now.mtimeMs > builtAt || now.mtimeMs !== mtimeMs || now.size !== size;
    });
  } catch {
    // A source that disappeared, or a manifest from another version: build again.
    return true;
  }
}

async function build() {
  const esbuild = await import('esbuild');
  // Taken before the build, so a file edited while it runs counts as newer than the bundle.
  const builtAt = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'warning',
    outfile: BUNDLE,
  });
  mkdirSync(OUT_DIR, { recursive: true });
  // Written aside and renamed, so a run started meanwhile never imports half a file.
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, BUNDLE);
  const inputs = Object.keys(result.metafile.inputs).map((file) => {
    const { mtimeMs, size } = statSync(join(ROOT, file));
    return [file, mtimeMs, size];
  });
  writeFileSync(`${MANIFEST}.${process.pid}.tmp`, JSON.stringify({ builtAt, inputs }));
  renameSync(`${MANIFEST}.${process.pid}.tmp`, MANIFEST);
}

async function hasEsbuild() {
  try {
    await import('esbuild');
    return true;
  } catch {
    return false;
  }
}

if (process.argv[2] === '--build') {
  if (await hasEsbuild()) await build();
  else console.error('esbuild is not installed: `npm run parse` will run the TypeScript source (slower)');
} else if (!stale()) {
  await import(pathToFileURL(BUNDLE).href);
} else if (await hasEsbuild()) {
  await build();
  await import(pathToFileURL(BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, ENTRY)).href);
}
