import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const LAMBDAS = join(ROOT, 'lambdas');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
}

/** Which layer of ours a resolved import lands in, or null for a package or node builtin. */
function layerOf(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(ROOT, resolve(fromFile, '..', specifier));
  const [top, layer] = target.split('/');
  return top === 'lambdas' ? `lambdas/${layer}` : (top as string);
}

/** What every concept of the core may use: errors, ports and small value helpers (DESIGN §1). */
const SHARED_CORE_MODULES = ['errors.ts', 'json-depth.ts', 'ports.ts', 'timestamp.ts', 'uuid.ts'];

const ALLOWED: Record<string, string[]> = {
  'lambdas/core': ['lambdas/core'],
  'lambdas/adapters': ['lambdas/core', 'lambdas/adapters'],
  'lambdas/handlers': ['lambdas/core', 'lambdas/adapters', 'lambdas/handlers'],
};

describe('dependency rule (DESIGN §1)', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer} imports only ${allowed.join(', ')} of ours`, () => {
      const offences = sourceFiles(join(ROOT, layer)).flatMap((file) =>
        imports(file)
          .map((spec) => ({ spec, target: layerOf(file, spec) }))
          .filter(({ target }) => target !== null && !allowed.includes(target))
          .map(({ spec }) => `${relative(ROOT, file)} -> ${spec}`),
      );
      expect(offences).toEqual([]);
    });
  }

  it('core uses no AWS SDK, middy, Lambda types, process.env or Date.now', () => {
    const forbidden =
      /from\s+['"](@aws-sdk\/|@middy\/|@aws-lambda-powertools\/|aws-lambda['"]|aws-cdk-lib)|process\.env|Date\.now\(/;
    const offences = sourceFiles(join(LAMBDAS, 'core')).filter((file) =>
      forbidden.test(readFileSync(file, 'utf8')),
    );
    expect(offences.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the rule sees real imports (guards against a scanner that finds nothing)', () => {
    const handlerImports = sourceFiles(join(LAMBDAS, 'handlers')).flatMap((f) => imports(f));
    expect(handlerImports.some((s) => s.includes('../core/'))).toBe(true);
  });

  it('the core keeps only shared modules at its top level; every concept has its folder', () => {
    const top = readdirSync(join(LAMBDAS, 'core'), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
    expect(top).toEqual([...SHARED_CORE_MODULES].sort());
  });
});
