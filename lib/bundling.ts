import { resolve } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root: Lambda entries in `lambdas/handlers/routes.ts` are relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * How every Lambda is bundled, declared once: the stack (through NodejsFunction) and the bundle
 * benchmark (through esbuild's API) both derive their options from this, so the benchmark measures
 * what is deployed.
 */
export const BUNDLE = {
  format: 'esm',
  // The Lambda runtime is Node.js 24, but the same bundles also run in local tests on Node 20.
  target: 'node20',
  minify: true,
  sourceMap: true,
  // Stack traces only need file and line; the sources would double the asset for nothing.
  sourcesContent: false,
  // Nothing external, the AWS SDK included: bundling pins its version instead of taking the runtime's,
  // and halves cold import time (shared/reference/toolchain.md §9).
  external: [],
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require() for Node builtins, which ESM output lacks.
  banner: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);",
} as const;

const CDK_FORMAT = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;

/** BUNDLE as NodejsFunction options (local esbuild, never Docker). */
export function cdkBundling(): BundlingOptions {
  return {
    format: CDK_FORMAT[BUNDLE.format],
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    externalModules: [...BUNDLE.external],
    mainFields: [...BUNDLE.mainFields],
    banner: BUNDLE.banner,
    forceDockerBundling: false,
  };
}

/** BUNDLE as esbuild build options: the same flags NodejsFunction passes to the esbuild CLI. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLE.format,
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    external: [...BUNDLE.external],
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    logLevel: 'warning',
  };
}
