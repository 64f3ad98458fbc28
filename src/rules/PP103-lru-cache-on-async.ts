import type { Fix, TextEdit } from '../core/diagnostics.js';
import type { DecoratorFact, ModuleFacts } from '../read/python/facts.js';
import { importFrom } from '../model/import-placement.js';
import type { Rule, RuleContext } from './rule.js';
import { cacheDecorator } from '../model/caching.js';

/**
 * PP103 lru-cache-on-async: `functools.lru_cache`/`cache` (or `cachetools.cached`) on an
 * `async def` caches the coroutine object, which can be awaited only once.
 */

/**
 * The caches that store what an `async def` returns — its coroutine: the shared catalogue's sync
 * decorators of functools and cachetools, by the names the libraries document. `methodtools.lru_cache`
 * is not checked (PP103 has never reported it).
 */
function cachesTheCoroutine(name: string | null): boolean {
  const cache = cacheDecorator(name);
  return cache !== undefined && !cache.async && cache.listed && cache.library !== 'methodtools';
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP103',
  name: 'lru-cache-on-async',
  severity: 'error',
  summary: '`lru_cache` on an `async def` caches a coroutine: the second call raises RuntimeError.',
  tags: ['correctness', 'async', 'caching'],
  precision: 'very-high',
  docs: {
    sources: ['R5'],
    what: `\`@functools.lru_cache\`, \`@lru_cache(maxsize=...)\`, \`@functools.cache\`, \`@cachetools.cached(...)\` and the \`cachetools.func\` decorators on an \`async def\`.`,
    why: `“High Performance FastAPI” (PyCon JP 2021) recommends caching repeated work with \`functools.lru_cache\` — but on an \`async def\` the cached value is the *coroutine object*, not its result. The first caller awaits it; the next call with the same arguments gets the same, already-awaited coroutine and fails with \`RuntimeError: cannot reuse already awaited coroutine\`.`,
    fix: `Use an async-aware cache: \`async_lru.alru_cache\`, \`aiocache.cached\`, or cache the awaited value yourself (a dict filled after \`await\`). For a value computed once at start-up, compute it in the \`lifespan\` hook. With \`--fix --unsafe-fixes\` (unsafe: it adds the async-lru dependency, which the project must install), \`@lru_cache(...)\`, \`@functools.lru_cache\` and \`@cache\` become \`@alru_cache(...)\` (\`maxsize=None\` for \`cache\`) and \`from async_lru import alru_cache\` is added after the imports; cachetools' decorators are left to you.`,
    bad: `from functools import lru_cache

@lru_cache(maxsize=128)
async def get_settings(tenant: str) -> dict:
    return await load_settings(tenant)`,
    good: `from async_lru import alru_cache

@alru_cache(maxsize=128)
async def get_settings(tenant: str) -> dict:
    return await load_settings(tenant)`,
    notFlagged: ['`lru_cache` on a plain `def`; async caches (`alru_cache`, `aiocache.cached`); `functools.cached_property`.'],
  },

  checkModule(module: ModuleFacts, context: RuleContext<Record<string, never>>): void {
    for (const scope of module.scopes) {
      if (scope.kind !== 'function' || !scope.isAsync) continue;
      for (const d of scope.decorators) {
        const name = context.project.canonical(d.name);
        if (!name || !cachesTheCoroutine(name)) continue;
        const fix = alruCacheFix(module, name, d);
        context.report({
          range: d.range,
          message: `\`@${d.text}\` on \`async def ${scope.name}\` caches the coroutine object, not its result: the second call with the same arguments raises \`RuntimeError: cannot reuse already awaited coroutine\`. Use \`async_lru.alru_cache\` or \`aiocache.cached\`.`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
};

/**
 * `@lru_cache(...)` / `@functools.cache` → `@alru_cache(...)` from async-lru, which caches the
 * awaited result (same `maxsize` and `typed`; `cache` is `maxsize=None`), with its import. Unsafe:
 * it adds a dependency the project must install. cachetools' decorators take other arguments: no fix.
 */
function alruCacheFix(module: ModuleFacts, name: string, d: DecoratorFact): Fix | undefined {
  const functools = /^functools\.(lru_cache|cache)(\(\))?$/.exec(name);
  if (!functools || d.range.line !== d.range.endLine) return undefined;
  const call = /^[\w.]+\s*(\(.*\))?$/.exec(d.text);
  if (!call) return undefined;
  const args = call[1] ?? '';
  const replacement = functools[1] === 'cache' ? 'alru_cache(maxsize=None)' : `alru_cache${args}`;
  // The decorator's range runs from its `@` (and may take in a comment after it): replace `@` and the text only.
  const start = d.range.column;
  const edits: TextEdit[] = [{ range: { line: d.range.line, column: start, endLine: d.range.line, endColumn: start + 1 + d.text.length }, text: `@${replacement}` }];
  const add = importFrom(module, 'async_lru', 'alru_cache');
  if (add === undefined) return undefined;
  if (add !== 'present') edits.push(add);
  return { description: 'Use `async_lru.alru_cache` (adds the async-lru dependency)', applicability: 'unsafe', edits };
}
