/**
 * What a worker runs before it serves its first request: the start-up paths of the application.
 *
 * A start-up path starts at an app entry (or at a router module that no entry imports) and holds
 * every project module it loads at module level, transitively, each with the import that first
 * reached it (breadth-first: the shortest chain). Besides the module bodies, start-up runs project
 * code: functions called at module level (`model = load_model()`, `app = create_app()`), start-up
 * hooks (`@app.on_event("startup")`, `lifespan=`, `add_event_handler("startup", fn)`, Quart's
 * `before_serving`, Sanic's `before_server_start`) and what they hand to a thread or an executor
 * (`threading.Thread(target=load)`). `startupCalls` lists the calls that code makes, a few project
 * frames deep, so that a rule can tell which libraries start-up needs anyway.
 */

import type { SourceRange } from '../core/diagnostics.js';
import type { CallFact, ImportFact, ModuleFacts } from '../read/python/facts.js';
import { applicationModel, type AppEntry, type ImportEdge } from './application.js';
import { callGraph, runsIn, type FunctionNode } from './callgraph.js';
import type { Project } from './project.js';

export interface StartupPath {
  /** The app entry the path starts from; undefined for a router module that no entry imports. */
  entry?: AppEntry;
  root: ModuleFacts;
  /** Every module loaded at start-up (the root included), breadth-first, with the import that first reached it. */
  reached: Map<ModuleFacts, ImportEdge | undefined>;
}

/** A call made by project code that runs at start-up (outside module bodies). */
export interface StartupCall {
  module: ModuleFacts;
  call: CallFact;
  /** The function whose body makes the call. */
  owner: FunctionNode;
}

/** How many project frames below a module-level call or a start-up hook are followed. */
const MAX_FRAMES = 4;

/** Calls that run a function passed by reference on another thread, now (`Thread(target=f)`, `run_in_executor(None, f)`). */
const RUNS_ARGUMENT = /^(threading\.Thread|multiprocessing\.Process|asyncio\.to_thread|anyio\.to_thread\.run_sync|starlette\.concurrency\.run_in_threadpool|fastapi\.concurrency\.run_in_threadpool)$|\.(run_in_executor|submit)$/;
/** Decorators that register a start-up hook: `on_event("startup")`, `before_serving`, `before_server_start`, `listener("before_server_start")`. */
const HOOK_DECORATOR = /\.(on_event|before_serving|before_server_start|listener|after_server_start)(\(\))?$/;

export function startupPaths(project: Project): StartupPath[] {
  return project.derived(buildPaths);
}

function buildPaths(project: Project): StartupPath[] {
  const app = applicationModel(project);
  const paths: StartupPath[] = [];
  const loaded = new Set<ModuleFacts>();
  const seenEntries = new Set<ModuleFacts>();
  for (const entry of app.entries) {
    if (seenEntries.has(entry.module) || isTestModule(entry.module)) continue;
    seenEntries.add(entry.module);
    const reached = reach(app.imports, entry.module);
    for (const m of reached.keys()) loaded.add(m);
    paths.push({ entry, root: entry.module, reached });
  }
  // Router modules that no entry loads (test modules aside): each is a root, unless another such router loads it.
  const orphans: StartupPath[] = [];
  for (const router of app.routerModules) {
    if (loaded.has(router) || isTestModule(router)) continue;
    if (orphans.some((o) => o.reached.has(router))) continue;
    const reached = reach(app.imports, router);
    for (let i = orphans.length - 1; i >= 0; i--) if (reached.has(orphans[i].root)) orphans.splice(i, 1);
    orphans.push({ root: router, reached });
  }
  return [...paths, ...orphans];
}

/** Test code builds apps and routers too, but no worker loads it: `tests/`, `test_*.py`, `*_test.py`, `conftest.py`. */
function isTestModule(module: ModuleFacts): boolean {
  const parts = module.moduleName.split('.');
  const last = parts[parts.length - 1];
  return parts.some((p) => p === 'tests' || p === 'test' || p === 'testing') || last.startsWith('test_') || last.endsWith('_test') || last === 'conftest';
}

function reach(imports: Map<ModuleFacts, ImportEdge[]>, root: ModuleFacts): Map<ModuleFacts, ImportEdge | undefined> {
  const reached = new Map<ModuleFacts, ImportEdge | undefined>([[root, undefined]]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of imports.get(queue[i]) ?? []) {
      if (reached.has(edge.to)) continue;
      reached.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return reached;
}

/** The imports from the root to a module of the path, root first. */
export function chainTo(path: StartupPath, module: ModuleFacts): ImportEdge[] {
  const chain: ImportEdge[] = [];
  for (let edge = path.reached.get(module); edge; edge = path.reached.get(edge.from)) {
    chain.unshift(edge);
    if (chain.length > path.reached.size) break;
  }
  return chain;
}

/** A scope whose code runs while its module is imported: the module body and class bodies in it. */
export function runsAtImport(module: ModuleFacts, scope: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    const kind = module.scopes[s].kind;
    if (kind === 'module') return true;
    if (kind !== 'class') return false;
  }
  return false;
}

/**
 * The calls that project functions make at start-up on this path: functions called at module level
 * (or in class bodies) of its modules, its start-up hooks, and what those call or hand to a thread,
 * up to a few frames deep.
 */
export function startupCalls(project: Project, path: StartupPath): StartupCall[] {
  const graph = callGraph(project);
  const roots: FunctionNode[] = [];
  const nodeOf = (module: ModuleFacts, scopeIndex: number): FunctionNode | undefined => graph.nodes.get(`${module.moduleName}.${module.scopes[scopeIndex].qualname}`);
  const resolve = (name: string | null, awaited: boolean): FunctionNode | undefined => {
    const canonical = project.canonical(name);
    const def = canonical ? project.definition(canonical) : undefined;
    if (!def) return undefined;
    if (def.scope.kind === 'function') return nodeOf(def.module, def.scopeIndex);
    if (def.scope.kind === 'class' && !awaited) {
      const init = project.canonical(`${canonical}().__init__`);
      const initDef = init ? project.definition(init) : undefined;
      return initDef?.scope.kind === 'function' ? nodeOf(initDef.module, initDef.scopeIndex) : undefined;
    }
    return undefined;
  };
  /** Functions a call runs now: its target, and functions it hands to a thread or an executor. */
  const targets = (call: CallFact): FunctionNode[] => {
    const out: FunctionNode[] = [];
    const direct = graph.target(call) ?? (call.awaited ? resolve(call.callee, true) : undefined);
    if (direct) out.push(direct);
    if (RUNS_ARGUMENT.test(project.canonical(call.callee) ?? '')) {
      for (const a of call.arguments) {
        if (a.value.kind !== 'ref' || (a.keyword && a.keyword !== 'target' && a.keyword !== 'func')) continue;
        const f = resolve(a.value.name, true);
        if (f) out.push(f);
      }
    }
    return out;
  };
  for (const module of path.reached.keys()) {
    module.scopes.forEach((scope, scopeIndex) => {
      if (scope.kind !== 'function' || !runsAtImport(module, scope.parent)) return;
      if (scope.decorators.some((d) => isHookDecorator(project, d.name, d.text))) {
        const node = nodeOf(module, scopeIndex);
        if (node) roots.push(node);
      }
    });
    for (const call of module.calls) {
      if (!runsAtImport(module, call.scope) || call.inMainGuard) continue;
      roots.push(...targets(call), ...registeredHooks(project, module, call, resolve));
    }
  }
  const out: StartupCall[] = [];
  const level = new Map<string, number>();
  let frontier: FunctionNode[] = [];
  for (const r of roots) {
    if (level.has(r.key)) continue;
    level.set(r.key, 1);
    frontier.push(r);
  }
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: FunctionNode[] = [];
    for (const node of frontier) {
      for (const call of graph.bodies.get(node.key) ?? []) {
        if (!runsIn(node.module, call.scope, node.scopeIndex)) continue;
        out.push({ module: node.module, call, owner: node });
        if (depth >= MAX_FRAMES) continue;
        for (const t of [...targets(call), ...registeredHooks(project, node.module, call, resolve)]) {
          if (level.has(t.key)) continue;
          level.set(t.key, depth + 1);
          next.push(t);
        }
      }
    }
    frontier = next;
  }
  return out;
}

function isHookDecorator(project: Project, name: string | null, text: string): boolean {
  const canonical = project.canonical(name) ?? '';
  const m = HOOK_DECORATOR.exec(canonical);
  if (!m) return false;
  if (m[1] === 'on_event') return /["']startup["']/.test(text);
  if (m[1] === 'listener') return /["'](before|after)_server_start["']/.test(text);
  return true;
}

/** Where a module uses an imported name while it is imported, and how. */
export interface ImportTimeUse {
  range: SourceRange;
  /** `a module-level call`, `a decorator`, `a class base`, `a module-level assignment`, or `a use at import time` when the site is not known. */
  how: string;
}

/**
 * Where a module uses a name bound by one of its imports while it is imported: the first
 * module-level call, decorator, class base or assignment that names it, else the import itself.
 * Undefined when the only such uses are calls under `if __name__ == "__main__":`, which an import
 * does not run (the facts count them as module-level code).
 */
export function importTimeUseSite(module: ModuleFacts, statement: ImportFact): ImportTimeUse | undefined {
  const prefix = statement.name ? `${statement.module}.${statement.name}` : statement.boundAs === statement.module.split('.')[0] ? statement.boundAs : statement.module;
  const names = (q: string | null | undefined): boolean => !!q && (q === prefix || (q.startsWith(prefix) && /^[.(\[]/.test(q.slice(prefix.length))));
  const sites: ImportTimeUse[] = [];
  let inMainGuard = false;
  for (const call of module.calls) {
    if (!runsAtImport(module, call.scope) || !names(call.callee)) continue;
    if (call.inMainGuard) inMainGuard = true;
    else sites.push({ range: call.range, how: 'a module-level call' });
  }
  module.scopes.forEach((scope) => {
    if (scope.kind !== 'function' && scope.kind !== 'class') return;
    if (!runsAtImport(module, scope.parent)) return;
    for (const d of scope.decorators) if (names(d.name)) sites.push({ range: d.range, how: 'a decorator' });
    if (scope.bases?.some(names)) sites.push({ range: scope.nameRange ?? scope.range, how: 'a class base' });
  });
  for (const a of module.assignments) {
    if ((a.value.kind === 'ref' || a.value.kind === 'call') && names(a.value.name)) sites.push({ range: a.valueRange, how: 'a module-level assignment' });
  }
  if (sites.length === 0) return inMainGuard ? undefined : { range: statement.range, how: 'a use at import time' };
  sites.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return sites[0];
}

/** Functions an app-building call registers to run at start-up: `lifespan=fn`, `on_startup=[f, g]`, `add_event_handler("startup", fn)`. */
function registeredHooks(project: Project, module: ModuleFacts, call: CallFact, resolve: (name: string | null, awaited: boolean) => FunctionNode | undefined): FunctionNode[] {
  const hooks: FunctionNode[] = [];
  const localName = (name: string): string => module.symbols[name] ?? `${module.moduleName}.${name}`;
  const callee = project.canonical(call.callee) ?? call.calleeText;
  // `FastAPI(lifespan=fn)`, `Starlette(on_startup=[f, g])`, `app.add_event_handler("startup", fn)`.
  for (const a of call.arguments) {
    if (a.keyword === 'lifespan' && a.value.kind === 'ref') {
      const f = resolve(a.value.name, true);
      if (f) hooks.push(f);
    } else if (a.keyword === 'on_startup' && a.value.kind === 'other') {
      for (const m of a.value.text.matchAll(/[A-Za-z_][\w.]*/g)) {
        const f = resolve(localName(m[0]), true);
        if (f) hooks.push(f);
      }
    }
  }
  if (/\.add_event_handler$/.test(callee)) {
    const [event, fn] = call.arguments.filter((a) => !a.keyword);
    if (event?.value.kind === 'str' && event.value.value === 'startup' && fn?.value.kind === 'ref') {
      const f = resolve(fn.value.name, true);
      if (f) hooks.push(f);
    }
  }
  return hooks;
}
