import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { check, type Diagnostics } from 'recheck';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Every regular expression in lambdas/ must be free of catastrophic backtracking, because nearly all
 * of them see untrusted text: webhook bodies and headers, and the bounce mail the scanner fetches.
 * The TypeScript compiler finds every regex literal and every RegExp construction; recheck, a static
 * ReDoS checker, must call each pattern `safe`. Patterns built at run time (from phrase lists or a
 * parameter) are caught as they are built, while their modules load and while the test mails parse,
 * and every place that builds one must be seen doing so, so none escapes the check.
 */

/**
 * anyOf (core/mail/phrases.ts) joins long phrase lists into one alternation, which recheck's fuzzer
 * cannot finish within its limits. Each call is recorded so that each phrase is checked on its own
 * between the same before and after: an alternation that is not repeated costs at most the sum of
 * its alternatives (the engine tries them one after another at each place), so the parts being
 * safe makes the whole safe.
 */
const phraseLists = vi.hoisted(
  () => [] as { alternatives: string[]; before: string; after: string; flags: string }[],
);
vi.mock('../../lambdas/core/mail/phrases.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lambdas/core/mail/phrases.js')>();
  return {
    ...original,
    anyOf: (...args: Parameters<typeof original.anyOf>) => {
      const [alternatives, options = {}] = args;
      phraseLists.push({
        alternatives: [...alternatives],
        before: options.before ?? '',
        after: options.after ?? '',
        flags: options.flags ?? 'i',
      });
      return original.anyOf(...args);
    },
  };
});

const ROOT = resolve(import.meta.dirname, '../..');
const LAMBDAS = join(ROOT, 'lambdas');
const MAIL_FIXTURES = join(ROOT, 'test/fixtures/mail');

const LIMITS = {
  timeout: 300_000,
  incubationTimeout: 2_500,
  attackTimeout: 10_000,
  seedingTimeout: 1_000,
};

interface Pattern {
  source: string;
  flags: string;
  where: string;
}

function typescriptFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) typescriptFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function literalText(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return '';
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** Regex literals and literal RegExp constructions as written, and the places that build one at run time. */
function scan(): { patterns: Pattern[]; builders: string[] } {
  const patterns: Pattern[] = [];
  const builders: string[] = [];
  for (const file of typescriptFiles(LAMBDAS)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const slash = node.text.lastIndexOf('/');
        patterns.push({
          source: node.text.slice(1, slash),
          flags: node.text.slice(slash + 1),
          where: where(node),
        });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [sourceArg, flagsArg] = node.arguments ?? [];
        const text = literalText(sourceArg);
        const flags = literalText(flagsArg);
        if (sourceArg && text !== undefined && flags !== undefined)
          patterns.push({ source: text, flags, where: where(node) });
        else builders.push(where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { patterns, builders };
}

/** The first stack frame in lambdas/, as `lambdas/...ts:line`. */
function callerInLambdas(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /\((.*):(\d+):\d+\)$|at (.*):(\d+):\d+$/.exec(line.trim());
    const file = m?.[1] ?? m?.[3];
    if (file?.startsWith(LAMBDAS)) return `${relative(ROOT, file)}:${m?.[2] ?? m?.[4]}`;
  }
  return undefined;
}

/** Patterns built at run time, with where they were built, while `work` runs. */
async function recordBuilt(work: () => Promise<void>): Promise<Pattern[]> {
  const built: Pattern[] = [];
  const Original = globalThis.RegExp;
  const record = (made: RegExp) => {
    const where = callerInLambdas(new Error().stack);
    if (where) built.push({ source: made.source, flags: made.flags, where });
    return made;
  };
  globalThis.RegExp = new Proxy(Original, {
    construct: (target, args, newTarget) => record(Reflect.construct(target, args, newTarget) as RegExp),
    apply: (target, self, args) => record(Reflect.apply(target, self, args) as RegExp),
  });
  try {
    await work();
  } finally {
    globalThis.RegExp = Original;
  }
  return built;
}

describe('regular expressions in lambdas/', () => {
  const { patterns, builders } = scan();
  let built: Pattern[] = [];
  const verdicts: { pattern: Pattern; diagnostics: Diagnostics }[] = [];

  beforeAll(async () => {
    built = await recordBuilt(async () => {
      const files = [...new Set(builders.map((b) => b.slice(0, b.lastIndexOf(':'))))];
      for (const file of files) await import(join(ROOT, file));
      const { parseBounce } = await import('../../lambdas/core/mail/parse-bounce.js');
      for (const name of readdirSync(MAIL_FIXTURES)) parseBounce(readFileSync(join(MAIL_FIXTURES, name)));
    });
    const joined = new Set(
      phraseLists.map(
        (l) => new RegExp(`${l.before}(?:${l.alternatives.join('|')})${l.after}`, l.flags).source,
      ),
    );
    const phrases = phraseLists.flatMap((l) =>
      l.alternatives.map((alternative) => ({
        source: `${l.before}(?:${alternative})${l.after}`,
        flags: l.flags,
        where: `lambdas/core/mail/phrases.ts (phrase '${alternative.slice(0, 40)}')`,
      })),
    );
    const unique = new Map<string, Pattern>();
    for (const p of [...patterns, ...built.filter((b) => !joined.has(b.source)), ...phrases])
      unique.set(`/${p.source}/${p.flags}`, unique.get(`/${p.source}/${p.flags}`) ?? p);
    // Two at a time with ten times recheck's time limits: its fuzzer counts an attack that runs out
    // of time as a success, so a machine busy with other work must not turn a safe pattern unsafe.
    const queue = [...unique.values()];
    const worker = async () => {
      for (let pattern = queue.shift(); pattern; pattern = queue.shift())
        verdicts.push({ pattern, diagnostics: await check(pattern.source, pattern.flags, LIMITS) });
    };
    await Promise.all([worker(), worker()]);
  }, 600_000);

  it('finds the patterns (the scan itself works)', () => {
    expect(patterns.length).toBeGreaterThan(100);
    expect(patterns.some((p) => p.where.startsWith('lambdas/core/mail/'))).toBe(true);
  });

  it('checks the phrase lists phrase by phrase', () => {
    expect(phraseLists.length).toBeGreaterThan(10);
  });

  it('sees every place that builds a pattern at run time build one', () => {
    const seen = new Set(built.map((p) => p.where));
    expect(builders.filter((where) => !seen.has(where))).toEqual([]);
  });

  it('finds every pattern safe from catastrophic backtracking (recheck)', () => {
    const unsafe = verdicts
      .filter((v) => v.diagnostics.status !== 'safe')
      .map(({ pattern, diagnostics }) => {
        const detail =
          diagnostics.status === 'vulnerable'
            ? `${diagnostics.complexity.type}, attack ${diagnostics.attack.pattern.slice(0, 60)}`
            : `unknown: ${diagnostics.status === 'unknown' ? diagnostics.error.kind : ''}`;
        return `${pattern.where} /${pattern.source.slice(0, 120)}/${pattern.flags} (${detail})`;
      });
    expect(unsafe).toEqual([]);
  });
});
