/**
 * Memoising decorators: `@functools.lru_cache`, `@functools.cache`, `@cachetools.cached(...)`, the
 * `cachetools.func` decorators, `@methodtools.lru_cache`, and the async-aware `@async_lru.alru_cache`
 * and `@aiocache.cached`. A function so decorated computes its result once per arguments: a factory
 * under one returns a shared object (PP102, PP401), and a sync cache on an `async def` stores the
 * coroutine instead of its result (PP103).
 *
 * This catalogue says what a decorator is; each rule selects the ones it considers.
 */

export type CacheLibrary = 'functools' | 'cachetools' | 'methodtools' | 'async_lru' | 'aiocache';

export interface CacheDecorator {
  /** The decorator's qualified name without the call: `functools.lru_cache`. */
  name: string;
  library: CacheLibrary;
  /** Caches the awaited result of an `async def` (async_lru, aiocache); the others cache what the call returns. */
  async: boolean;
  /**
   * A decorator the library documents. False for any other member of `cachetools.func`: every
   * public function there is a cache decorator, so a name not listed here is still taken for one
   * where a rule accepts the whole module.
   */
  listed: boolean;
}

/** The decorators of `cachetools.func`. */
const CACHETOOLS_FUNC = ['ttl_cache', 'lru_cache', 'lfu_cache', 'fifo_cache', 'rr_cache', 'mru_cache'];

const DECORATORS: readonly CacheDecorator[] = [
  { name: 'functools.cache', library: 'functools', async: false, listed: true },
  { name: 'functools.lru_cache', library: 'functools', async: false, listed: true },
  { name: 'cachetools.cached', library: 'cachetools', async: false, listed: true },
  ...CACHETOOLS_FUNC.map((n): CacheDecorator => ({ name: `cachetools.func.${n}`, library: 'cachetools', async: false, listed: true })),
  { name: 'methodtools.lru_cache', library: 'methodtools', async: false, listed: true },
  { name: 'async_lru.alru_cache', library: 'async_lru', async: true, listed: true },
  { name: 'aiocache.cached', library: 'aiocache', async: true, listed: true },
];

const BY_NAME = new Map(DECORATORS.map((d) => [d.name, d]));
const CACHETOOLS_FUNC_MEMBER = /^cachetools\.func\.\w+$/;

/**
 * The cache decorator a canonical decorator name is — `functools.lru_cache` or, called,
 * `functools.lru_cache()` — if it is one.
 */
export function cacheDecorator(name: string | null): CacheDecorator | undefined {
  if (name === null) return undefined;
  const bare = name.endsWith('()') ? name.slice(0, -2) : name;
  const listed = BY_NAME.get(bare);
  if (listed) return listed;
  if (CACHETOOLS_FUNC_MEMBER.test(bare)) return { name: bare, library: 'cachetools', async: false, listed: false };
  return undefined;
}
