/**
 * The project call graph: which project function each call runs synchronously, resolved through
 * imports, module attributes (`crud.get_user`), `self.method()`, methods of objects whose class is
 * known from the simple types, and class instantiation (`Repo()` runs `Repo.__init__`). Calls that
 * cannot be resolved are not followed. An `async def` or a generator function is not an edge: calling
 * it runs none of its body (it returns a coroutine or a generator).
 *
 * `propagate` answers "does this function reach a call with property P within N project frames"
 * for every function at once: a breadth-first search from the functions that make such a call
 * directly, over reversed edges — linear in the size of the graph, cycles cut by construction.
 * A caller can leave edges out (the steps that run once per process: `onceStep`).
 */

import type { CallFact, DecoratorFact, ModuleFacts, ValueFact } from '../read/python/facts.js';
import { cacheDecorator } from './caching.js';
import { pathPurpose } from './launchers.js';
import { argumentFor, type Project } from './project.js';

const KNOWN_DISPATCHERS = /^(asgiref\.sync\.sync_to_async|starlette\.concurrency\.run_in_threadpool|anyio\.to_thread\.run_sync|celery\..*|dramatiq\.actor|rq\.decorators\.job)$/;
const DISPATCH_CALL = /(^threading\.Thread|\.put(_nowait)?$|\.submit$|run_in_executor$|^asyncio\.to_thread$|run_in_threadpool$|^anyio\.to_thread\.run_sync$|\.apply_async$|\.delay$)/;

export interface FunctionNode {
  key: string;
  module: ModuleFacts;
  scopeIndex: number;
}

export interface CallEdge {
  from: FunctionNode;
  call: CallFact;
  to: FunctionNode;
}

/** The code of `owner` that runs when it runs: its body and comprehensions, not nested defs. */
export function runsIn(module: ModuleFacts, scope: number, owner: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    if (s === owner) return true;
    const k = module.scopes[s].kind;
    if (k === 'function' || k === 'lambda' || k === 'class') return false;
  }
  return false;
}

export class CallGraph {
  readonly nodes = new Map<string, FunctionNode>();
  /** The calls each node's body makes (for direct properties). */
  readonly bodies = new Map<string, CallFact[]>();
  /** Outgoing edges per node key, resolved on first use (most of a large project is never asked). */
  private readonly edgeCache = new Map<string, CallEdge[]>();

  constructor(private readonly project: Project) {
    for (const module of project.modules) {
      const byScope = new Map<number, FunctionNode>();
      module.scopes.forEach((scope, scopeIndex) => {
        if (scope.kind !== 'function') return;
        const key = `${module.moduleName}.${scope.qualname}`;
        let node = this.nodes.get(key);
        if (!node) {
          node = { key, module, scopeIndex };
          this.nodes.set(key, node);
        }
        if (node.module === module) byScope.set(scopeIndex, node);
      });
      for (const call of module.calls) {
        // The function whose body runs this call.
        let owner = call.scope;
        while (owner >= 0 && module.scopes[owner].kind === 'comprehension') owner = module.scopes[owner].parent;
        const from = owner >= 0 ? byScope.get(owner) : undefined;
        if (!from) continue;
        const body = this.bodies.get(from.key);
        if (body) body.push(call);
        else this.bodies.set(from.key, [call]);
      }
    }
  }

  /** The calls from a node's body to project functions they run synchronously. */
  edges(node: FunctionNode): CallEdge[] {
    let out = this.edgeCache.get(node.key);
    if (!out) {
      out = [];
      for (const call of this.bodies.get(node.key) ?? []) {
        const to = this.target(call);
        if (to) out.push({ from: node, call, to });
      }
      this.edgeCache.set(node.key, out);
    }
    return out;
  }

  /** Every call in the project that runs this function (`Class(...)` for an `__init__`). */
  callSites(node: FunctionNode): CallFact[] {
    const scope = node.module.scopes[node.scopeIndex];
    const name = node.key;
    return scope.name === '__init__' ? this.project.callsOf(name.slice(0, -'.__init__'.length)) : this.project.callsOf(name);
  }

  private readonly neverTruthyCache = new Map<string, boolean>();

  /**
   * A parameter with a falsy default (`url=None`, `blocking=False`) that no call in the project
   * sets to anything but a falsy literal: a branch under \`if url:\` never runs. False when the
   * function is never called in the project (its callers are elsewhere) or a call passes `*args` /
   * `**kwargs`.
   */
  neverTruthy(node: FunctionNode, name: string): boolean {
    const key = `${node.key}\n${name}`;
    let found = this.neverTruthyCache.get(key);
    if (found === undefined) this.neverTruthyCache.set(key, (found = this.computeNeverTruthy(node, name)));
    return found;
  }

  private computeNeverTruthy(node: FunctionNode, name: string): boolean {
    const scope = node.module.scopes[node.scopeIndex];
    if (!scope.parameters.find((p) => p.name === name)?.falsyDefault) return false;
    const sites = this.callSites(node);
    if (sites.length === 0) return false;
    const falsy = (v: ValueFact): boolean => v.kind === 'none' || (v.kind === 'bool' && !v.value) || (v.kind === 'num' && Number(v.value) === 0) || (v.kind === 'str' && v.value === '');
    return sites.every((call) => {
      const arg = argumentFor(scope, call, name);
      return arg !== 'unknown' && (arg === undefined || falsy(arg.value));
    });
  }

  /** The project function a call runs synchronously, if any. */
  target(call: CallFact): FunctionNode | undefined {
    const name = this.project.canonical(call.callee);
    if (!name) return undefined;
    const def = this.project.definition(name);
    if (!def) return undefined;
    let node: FunctionNode | undefined;
    if (def.scope.kind === 'function') node = this.nodes.get(`${def.module.moduleName}.${def.scope.qualname}`);
    else if (def.scope.kind === 'class') {
      const init = this.project.canonical(`${name}().__init__`);
      const initDef = init ? this.project.definition(init) : undefined;
      if (initDef?.scope.kind === 'function') node = this.nodes.get(`${initDef.module.moduleName}.${initDef.scope.qualname}`);
    }
    if (!node) return undefined;
    const scope = node.module.scopes[node.scopeIndex];
    if (scope.isAsync || scope.generator) return undefined;
    return scope.decorators.some((d) => this.dispatches(d.name)) ? undefined : node;
  }

  private readonly dispatchCache = new Map<string, boolean>();

  /**
   * A decorator that hands the call to another thread or process (`@sql` that puts the call on a
   * queue for a database thread, `@run_in_executor`, `@sync_to_async`): the decorated function's
   * body does not run on the caller's thread, so it is not followed.
   */
  private dispatches(decorator: string | null): boolean {
    const name = this.project.canonical(decorator);
    if (!name) return false;
    const base = name.replace(/\(\)$/, '');
    if (KNOWN_DISPATCHERS.test(base)) return true;
    const cached = this.dispatchCache.get(base);
    if (cached !== undefined) return cached;
    let result = false;
    const def = this.project.definition(base);
    if (def?.scope.kind === 'function') {
      const inside = (s: number): boolean => {
        for (let x = s; x >= 0; x = def.module.scopes[x].parent) if (x === def.scopeIndex) return true;
        return false;
      };
      result = def.module.calls.some((c) => inside(c.scope) && DISPATCH_CALL.test(this.project.canonical(c.callee) ?? c.calleeText));
    }
    this.dispatchCache.set(base, result);
    return result;
  }
}

/**
 * The `@functools.cache` / `@functools.lru_cache` decorator of a function, if it has one: its body
 * runs once per distinct arguments — for a factory or a settings loader, once per process. Other
 * caches (`cachetools` with a TTL, `methodtools` per instance) run their body again.
 */
export function functoolsCache(project: Project, node: FunctionNode): DecoratorFact | undefined {
  const decorator = node.module.scopes[node.scopeIndex].decorators.find((d) => cacheDecorator(project.canonical(d.name))?.library === 'functools');
  // A cache the project clears (`fetch_keys.cache_clear()` after a failed verification) runs again.
  return decorator && !project.derived(clearedCaches).has(node.key) ? decorator : undefined;
}

/** The functions whose `functools` cache the project's own code clears (`f.cache_clear()`), tests aside. */
function clearedCaches(project: Project): Set<string> {
  const out = new Set<string>();
  for (const module of project.modules) {
    if (pathPurpose(project.root, module.path)?.purpose === 'test') continue;
    for (const call of module.calls) {
      if (!call.callee?.endsWith('.cache_clear')) continue;
      const fn = project.canonical(call.callee.slice(0, -'.cache_clear'.length));
      if (fn) out.add(fn);
    }
  }
  return out;
}

/** Why a step of a call path runs once per process rather than on every call. */
export type OnceStep =
  /** The call is in a memoisation guard of `owner` (`if _client is None:` that sets `_client`). */
  | { kind: 'guard'; name: string; owner: FunctionNode }
  /** The call enters a function under `@functools.cache` / `@functools.lru_cache`. */
  | { kind: 'cache'; decorator: DecoratorFact; callee: FunctionNode };

/** Whether the call `call` in `owner`'s body, running `callee` (if a project function), runs once per process. */
export function onceStep(project: Project, owner: FunctionNode, call: CallFact, callee?: FunctionNode): OnceStep | undefined {
  if (call.onceGuard !== undefined) return { kind: 'guard', name: call.onceGuard, owner };
  const decorator = callee ? functoolsCache(project, callee) : undefined;
  return decorator && callee ? { kind: 'cache', decorator, callee } : undefined;
}

const buildGraph = (project: Project): CallGraph => new CallGraph(project);

export function callGraph(project: Project): CallGraph {
  return project.derived(buildGraph);
}

/** How a function reaches a call with the property: the first edge, or the call itself. */
export interface Reach<T> {
  /** Project frames from this function to the call (1: the function makes the call itself). */
  frames: number;
  /** The next call towards it (undefined when `frames` is 1). */
  via?: CallEdge;
  /** The call with the property, in the last frame. */
  call: CallFact;
  module: ModuleFacts;
  detail: T;
}

/**
 * For the functions reachable from `roots` within `maxFrames` frames, the shortest way (at most
 * `maxFrames` frames) to a call for which `direct` returns a detail. Calls in a function's own
 * body count; nested defs do not; edges for which `follows` says false are not taken. Only that
 * part of the graph is resolved: a pre-commit run on one router, or a project with few
 * `async def`s, never resolves the rest of the project's calls.
 */
export function propagate<T>(
  graph: CallGraph,
  maxFrames: number,
  direct: (module: ModuleFacts, call: CallFact, owner: FunctionNode) => T | undefined,
  roots: Iterable<FunctionNode>,
  follows: (edge: CallEdge) => boolean = () => true,
): Map<string, Reach<T>> {
  // Forward: the sync functions the roots can reach, level by level.
  const level = new Map<string, number>();
  let frontier: FunctionNode[] = [];
  for (const r of roots) {
    if (!level.has(r.key) && !r.module.scopes[r.scopeIndex].isAsync) {
      level.set(r.key, 1);
      frontier.push(r);
    }
  }
  const callers = new Map<string, CallEdge[]>();
  for (let depth = 1; depth < maxFrames && frontier.length > 0; depth++) {
    const next: FunctionNode[] = [];
    for (const node of frontier) {
      for (const edge of graph.edges(node)) {
        if (!runsIn(node.module, edge.call.scope, node.scopeIndex) || !follows(edge)) continue;
        (callers.get(edge.to.key) ?? callers.set(edge.to.key, []).get(edge.to.key)!).push(edge);
        if (!level.has(edge.to.key)) {
          level.set(edge.to.key, depth + 1);
          next.push(edge.to);
        }
      }
    }
    frontier = next;
  }
  // Backward: from the functions that make such a call themselves, over the reversed edges.
  const reach = new Map<string, Reach<T>>();
  const queue: string[] = [];
  for (const key of level.keys()) {
    const node = graph.nodes.get(key)!;
    for (const call of graph.bodies.get(key) ?? []) {
      if (!runsIn(node.module, call.scope, node.scopeIndex)) continue;
      const detail = direct(node.module, call, node);
      if (detail === undefined) continue;
      reach.set(key, { frames: 1, call, module: node.module, detail });
      queue.push(key);
      break;
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const key = queue[i];
    const here = reach.get(key)!;
    if (here.frames >= maxFrames) continue;
    for (const edge of callers.get(key) ?? []) {
      if (reach.has(edge.from.key)) continue;
      reach.set(edge.from.key, { frames: here.frames + 1, via: edge, call: here.call, module: here.module, detail: here.detail });
      queue.push(edge.from.key);
    }
  }
  return reach;
}
