/**
 * Execution contexts: where each function of the project actually runs, derived from the entry
 * points (model/context-roots.ts), what they reach, and paths — never from a function's name alone
 * (`async def test_*` and pytest fixtures aside).
 *
 *   server   reached from a route handler, a dependency, middleware, a websocket, socket.io or
 *            Channels handler, a GraphQL resolver, or a task started by server or start-up code
 *   startup  reached from a lifespan function or a start-up/shut-down hook (runs once, before traffic)
 *   script   reached from a loop of its own (`asyncio.run(...)`), a `__main__` block or a CLI
 *            command; or in a module under `scripts/`, `bin/`, `tools/` (not a package), or a
 *            database migration (`migrations/`, `alembic/`)
 *   test     test files (`test_*.py`, `*_test.py`, `conftest.py`, under `tests/`, `test/`, `e2e/`, `cypress/`),
 *            pytest fixtures, `async def test_*`, `TestCase` methods
 *   example  files under `examples/`, `docs/`, `notebooks/`, `tutorials/`, `benchmarks/`...
 *   lambda   Lambda code (model/lambda.ts): one event per execution environment
 *   library  none of the above: an importable package's code, which other code can await
 *   unused   none of the above, in a package the project serves, and referred to nowhere in the
 *            project (model/unreferenced.ts): dead code
 *
 * "Reached" follows calls, awaits, functions passed by reference (`add_task(fn)`,
 * `asyncio.to_thread(fn)`), tasks (`asyncio.create_task(fn())`) and nested definitions, across
 * modules, async functions included (unlike the call graph that PP101's blocking propagation
 * follows: `await helper()` runs helper on the same loop). A loop runner (`asyncio.run(main())`)
 * is no such edge: what it runs has a loop of its own.
 *
 * Entry points declared in test or example files (an example app's routes, `asyncio.run(...)` in a
 * test) do not spread: their functions have their file's context, and what they reach keeps its
 * own — the package code an example app's routes await is still library code. Entry points in
 * Lambda code give their functions the lambda context.
 * Being reached from a real server entry point wins over paths: a `scripts/` module or a test
 * helper that the app awaits is server code. Every function keeps a proof per context: the entry
 * point and the chain from it (`pylint-perf explain --why FILE:LINE`).
 */

import path from 'node:path';
import { EXECUTION_CONTEXTS, type ExecutionContext } from '../core/diagnostics.js';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import { contextRoots, LOOP_RUNNER, ownerFunction, type ContextRoot } from './context-roots.js';
import { describeFunction, lambdaView } from './lambda.js';
import type { Project } from './project.js';
import { isUnreferenced, topPackage } from './unreferenced.js';

export type { ExecutionContext } from '../core/diagnostics.js';

/** One step of a proof: a call, an await, a reference, a task or a nested definition. */
export interface ProofStep {
  path: string;
  line: number;
  /** `awaits \`load_profile()\``, `starts a task: \`poll_queue()\``, `defines \`inner\``. */
  text: string;
  /** The function the step leads to. */
  module: ModuleFacts;
  scopeIndex: number;
}

export interface ContextProof {
  context: ExecutionContext;
  /** The entry point (a function) or what the file's place says, and where the project says so. */
  root: { description: string; path: string; line: number; module?: ModuleFacts; scopeIndex?: number };
  /** From the entry point's function to this one. */
  chain: ProofStep[];
}

export interface FunctionContexts {
  /** Never empty; the context that describes the function first (server, startup, library, lambda, script, test, example, unused). */
  contexts: ExecutionContext[];
  /** A proof for each context, in the same order. */
  proofs(): ContextProof[];
}

export interface ContextsView {
  of(module: ModuleFacts, scopeIndex: number): FunctionContexts;
  /** The innermost function whose code holds the line, or undefined at module or class level. */
  functionAt(module: ModuleFacts, line: number): number | undefined;
}

/** The contexts of a function (the `scopeIndex` of a `def`), the one that describes it first. */
export function contextOf(project: Project, module: ModuleFacts, scopeIndex: number): ExecutionContext[] {
  return executionContexts(project).of(module, scopeIndex).contexts;
}

export function executionContexts(project: Project): ContextsView {
  return project.derived(build);
}

type How = 'calls' | 'awaits' | 'passes' | 'defines' | 'starts';

/** An edge of the reach graph; its text (for proofs) is only put together when a proof is shown. */
interface Edge {
  to: number;
  how: How;
  line: number;
  /** The call behind it (calls, awaits, tasks, references passed as arguments). */
  call?: CallFact;
  /** A function passed by reference: the argument as written. */
  argument?: string;
  /** A call on a base class that a subclass's override runs: the subclass. */
  override?: string;
  /** A nested definition: its name. */
  defined?: string;
}

/** `awaits \`load_profile()\``, `starts a task: \`poll_queue()\``, `defines \`inner\``: how a proof step reads. */
function edgeText(edge: Edge): string {
  if (edge.defined !== undefined) return `defines \`${edge.defined}\``;
  // A callee written over several lines (`Builder(\n    config=...,\n).build`) reads as one.
  const callee = edge.call!.calleeText.replace(/\s*\n\s*/g, '');
  if (edge.argument !== undefined) return edge.how === 'starts' ? `starts a task: \`${callee}(${edge.argument}, ...)\`` : `passes \`${edge.argument}\` to \`${callee}()\``;
  const text = edge.how === 'starts' ? `starts a task: \`${callee}()\`` : `${edge.how} \`${callee}()\``;
  return edge.override !== undefined ? `${text}, overridden in \`${edge.override}\`` : text;
}

type Root = ContextProof['root'];
type Link = { root: Root } | { from: number; fromContext: ExecutionContext; edge: Edge };

/** Contexts that spread to what a function reaches; the others belong to a file or a marker. */
const SPREADS: ReadonlySet<ExecutionContext> = new Set(['server', 'startup', 'script', 'library', 'unused']);
/** Calls whose function arguments become tasks on the caller's loop, running after the caller returns. */
const TASK_STARTERS = /^(?:asyncio\.(?:create_task|ensure_future)|starlette\.background\.BackgroundTask)$|\.(?:create_task|start_soon|add_task|spawn)$/;

const TEST_DIRS = new Set(['tests', 'test', 'e2e', 'cypress']);
const EXAMPLE_DIRS = new Set(['examples', 'example', 'tutorials', 'tutorial', 'docs', 'docs_src', 'notebooks', 'evals', 'benchmarks', 'benchmark', 'samples', 'sample', 'demo', 'demos', 'cookbook']);
const SCRIPT_DIRS = new Set(['scripts', 'bin', 'tools']);
/** Database migrations: run once by a deploy step (`alembic upgrade head`, `manage.py migrate`), never by a request. */
const MIGRATION_DIRS = new Set(['migrations', 'alembic']);

/** The context a module's place gives it (`tests/`, `examples/`, `scripts/`), with the reason. */
export function pathContext(project: Project, module: ModuleFacts): { context: ExecutionContext; reason: string; firm?: boolean } | undefined {
  // Folders above a directory the user named do not decide: `check examples/demo` checks a service.
  const base = project.namedDirectories.filter((d) => module.path.startsWith(d + path.sep)).sort((a, b) => b.length - a.length)[0] ?? project.root;
  const rel = path.relative(base, module.path);
  const parts = (rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(module.path) : rel).split(path.sep);
  const file = parts[parts.length - 1];
  const dirs = parts.slice(0, -1);
  if (/^test_.*\.py$|_test\.py$|^conftest\.py$/.test(file)) return { context: 'test', reason: `\`${file}\` is a test file` };
  // Mocks stand in for the real service in tests and local development (`mock_agent_service.py`).
  if (/^mocks?_.*\.py$|_mocks?\.py$/.test(file) || dirs.some((d) => /^(mocks?|fakes)$/i.test(d))) return { context: 'test', reason: `\`${file}\` is a mock`, firm: true };
  const under = (names: ReadonlySet<string>): string | undefined => dirs.find((d) => names.has(d.toLowerCase()));
  const test = under(TEST_DIRS);
  if (test) return { context: 'test', reason: `the file is under \`${test}/\`` };
  const example = under(EXAMPLE_DIRS);
  if (example) return { context: 'example', reason: `the file is under \`${example}/\`` };
  const migration = under(MIGRATION_DIRS);
  if (migration) return { context: 'script', reason: `the file is a database migration (under \`${migration}/\`)` };
  for (let i = 0; i < dirs.length; i++) {
    if (!SCRIPT_DIRS.has(dirs[i].toLowerCase())) continue;
    // `tools/` is also a common package name (an agent's tools): only a folder of scripts counts.
    if (dirs[i].toLowerCase() === 'tools' && project.moduleAt(path.join(base, ...dirs.slice(0, i + 1), '__init__.py'))) continue;
    return { context: 'script', reason: `the file is under \`${dirs[i]}/\`` };
  }
  return undefined;
}

function build(project: Project): ContextsView {
  const graph = new ReachGraph(project);
  const state = new Propagation(graph);
  markFiles(project, graph, state);
  const declaredIn = new Map<string, ReturnType<typeof pathContext> | null>();
  for (const root of contextRoots(project)) {
    const id = graph.idOf(root.module, root.scopeIndex);
    if (id === undefined) continue;
    // What a test or an example does with the package (`asyncio.run(client.fetch())` in a test) is its own business.
    if (!declaredIn.has(root.path)) declaredIn.set(root.path, pathContext(project, project.moduleAt(root.path) ?? root.module) ?? null);
    const declared = declaredIn.get(root.path)?.context;
    if (declared === 'test' || declared === 'example') continue;
    const proof: Root = { description: root.reason, path: root.path, line: root.line, module: root.module, scopeIndex: root.scopeIndex };
    // An entry point in a test or example file, or in Lambda code, takes that file's context.
    const place = state.fileContext[id];
    if (place && (place === 'test' || place === 'example' || (place === 'lambda' && root.context !== 'script'))) {
      state.mark(id, place, { root: { ...proof, description: `${proof.description}, in ${place === 'lambda' ? 'Lambda code' : `a file of ${place === 'test' ? 'tests' : 'examples'}`}` } });
    } else state.mark(id, root.context, { root: proof });
  }
  state.spread();
  // What nothing reaches and nothing names, in the package that the project serves, is dead code.
  const served = new Set<string>();
  for (let id = 0; id < graph.size; id++) if (state.has(id, 'server') || state.has(id, 'startup')) served.add(topPackage(project, graph.module(id)));
  for (let id = 0; id < graph.size; id++) {
    if (state.mask[id] === 0 && isUnreferenced(project, graph.module(id), graph.scopeIndex(id), served)) {
      state.mark(id, 'unused', { root: { description: `\`${graph.scope(id).qualname}\`, which nothing in this project reaches or even names, in \`${topPackage(project, graph.module(id))}\`, the package this project serves: dead code (or called by a computed name)`, path: graph.module(id).path, line: graph.scope(id).range.line, module: graph.module(id), scopeIndex: graph.scopeIndex(id) } });
    }
  }
  state.spread();
  // What nothing reaches is an importable package's code: whoever imports it may await it.
  for (let id = 0; id < graph.size; id++) {
    if (state.mask[id] === 0) {
      state.mark(id, 'library', { root: { description: `\`${graph.scope(id).qualname}\`, which no server, start-up, script or Lambda code of this project reaches (tests and examples aside): an importable package's code, which other code can await`, path: graph.module(id).path, line: graph.scope(id).range.line, module: graph.module(id), scopeIndex: graph.scopeIndex(id) } });
    }
  }
  state.spread();
  return {
    of: (module, scopeIndex) => {
      const id = graph.idOf(module, scopeIndex);
      if (id === undefined) return { contexts: ['library'], proofs: () => [] };
      const contexts = EXECUTION_CONTEXTS.filter((c) => state.has(id, c));
      return { contexts, proofs: () => contexts.map((c) => state.proof(id, c)) };
    },
    functionAt: (module, line) => innermostFunction(module, line),
  };
}

/**
 * Test, example and script files; Lambda code. A file's context stays with its functions: the
 * package code that an example or a test awaits is still the package's.
 */
function markFiles(project: Project, graph: ReachGraph, state: Propagation): void {
  const lambda = lambdaView(project);
  const places = new Map<ModuleFacts, ReturnType<typeof pathContext> | null>();
  for (let id = 0; id < graph.size; id++) {
    const module = graph.module(id);
    if (!places.has(module)) places.set(module, pathContext(project, module) ?? null);
    const place = places.get(module);
    const handler = lambda.codeModules.get(module);
    const at = { path: module.path, line: graph.scope(id).range.line };
    if (handler) {
      state.fileContext[id] = 'lambda';
      state.mark(id, 'lambda', { root: { description: `Lambda code: the module of the handler in ${describeFunction(project, handler)}, or a module it imports`, ...at } });
    }
    if (place) {
      state.fileContext[id] ??= place.context;
      if (place.firm) state.firm[id] = true;
      state.mark(id, place.context, { root: { description: place.reason, ...at } }, false);
    }
  }
}

function innermostFunction(module: ModuleFacts, line: number): number | undefined {
  let best: number | undefined;
  module.scopes.forEach((s, i) => {
    if (s.kind !== 'function' || line < s.range.line || line > s.range.endLine) return;
    if (best === undefined || s.range.line >= module.scopes[best].range.line) best = i;
  });
  return best;
}

/** Which context reached which function, and how: a breadth-first spread over the reach graph. */
class Propagation {
  readonly mask: number[];
  /** The contexts that spread from each function (queued once). */
  private readonly spreadMask: number[];
  /** The context a function's file gives it (test, example, script, lambda), if any. */
  readonly fileContext: (ExecutionContext | undefined)[];
  /** Files whose context nothing overrides: a mock stays a mock even when the server can reach it (behind a flag). */
  readonly firm: boolean[] = [];
  private readonly links = new Map<ExecutionContext, Map<number, Link>>();
  private queue: [number, ExecutionContext][] = [];

  constructor(private readonly graph: ReachGraph) {
    this.mask = new Array<number>(graph.size).fill(0);
    this.spreadMask = new Array<number>(graph.size).fill(0);
    this.fileContext = new Array<ExecutionContext | undefined>(graph.size);
  }

  has(id: number, context: ExecutionContext): boolean {
    return (this.mask[id] & bit(context)) !== 0;
  }

  /**
   * Marks a function with a context; `spreads` false keeps it there (a file's context). A function
   * that has a context from its file only, and is then reached, gets that proof and spreads it.
   */
  mark(id: number, context: ExecutionContext, link: Link, spreads = SPREADS.has(context)): void {
    const b = bit(context);
    if ((this.mask[id] & b) !== 0 && (!spreads || (this.spreadMask[id] & b) !== 0)) return;
    this.mask[id] |= b;
    (this.links.get(context) ?? this.links.set(context, new Map()).get(context)!).set(id, link);
    if (spreads) {
      this.spreadMask[id] |= b;
      this.queue.push([id, context]);
    }
  }

  /** Spreads the queued contexts along the edges; a task started (or a function defined and handed on) by start-up code runs while the server serves. */
  spread(): void {
    for (let i = 0; i < this.queue.length; i++) {
      const [id, context] = this.queue[i];
      for (const edge of this.graph.edges(id)) {
        // Handing a function to something is not awaiting it: what registers a lifespan does not run it.
        if (context === 'library' && edge.how === 'passes') continue;
        // Library is what nothing else reaches: a function that a real entry point runs (a script's
        // `asyncio.run`, a server, start-up, Lambda) is not also "whoever imports it may await it".
        if ((context === 'library' || context === 'unused') && (this.mask[edge.to] & ENTRY_MASK) !== 0) continue;
        if (this.firm[edge.to] && context !== this.fileContext[edge.to]) continue;
        // What start-up code defines and does not call itself (the app a factory returns) is what it serves.
        const next = context === 'startup' && (edge.how === 'starts' || edge.how === 'defines') ? 'server' : context;
        this.mark(edge.to, next, { from: id, fromContext: context, edge });
      }
    }
    this.queue = [];
  }

  proof(id: number, context: ExecutionContext): ContextProof {
    const chain: ProofStep[] = [];
    let at = id;
    let ctx = context;
    for (let guard = 0; guard < 10_000; guard++) {
      const link = this.links.get(ctx)!.get(at)!;
      if ('root' in link) return { context, root: link.root, chain: chain.reverse() };
      chain.push({ path: this.graph.module(link.from).path, line: link.edge.line, text: edgeText(link.edge), module: this.graph.module(at), scopeIndex: this.graph.scopeIndex(at) });
      at = link.from;
      ctx = link.fromContext;
    }
    throw new Error('execution context proof: cycle');
  }
}

const bit = (context: ExecutionContext): number => 1 << EXECUTION_CONTEXTS.indexOf(context);
/** The contexts of real entry points (not library, tests or examples). */
const ENTRY_MASK = bit('server') | bit('startup') | bit('script') | bit('lambda');

/**
 * Every `def` of the project as a node; edges to what its body runs or hands on, resolved on first
 * use: calls and awaits of project functions (async ones and generators included, a class runs its
 * `__init__`), functions passed by reference, tasks, and the functions defined in its body.
 */
class ReachGraph {
  private readonly modules: ModuleFacts[] = [];
  private readonly scopes: number[] = [];
  private readonly ids = new Map<ModuleFacts, Map<number, number>>();
  private readonly edgeCache = new Map<number, Edge[]>();
  private readonly bodies = new Map<ModuleFacts, Map<number, number[]>>();

  private readonly overrides: Overrides;

  constructor(private readonly project: Project) {
    this.overrides = new Overrides(project);
    for (const module of project.modules) {
      const byScope = new Map<number, number>();
      module.scopes.forEach((s, i) => {
        if (s.kind !== 'function') return;
        byScope.set(i, this.modules.length);
        this.modules.push(module);
        this.scopes.push(i);
      });
      this.ids.set(module, byScope);
    }
  }

  get size(): number {
    return this.modules.length;
  }

  module(id: number): ModuleFacts {
    return this.modules[id];
  }

  scopeIndex(id: number): number {
    return this.scopes[id];
  }

  scope(id: number) {
    return this.modules[id].scopes[this.scopes[id]];
  }

  idOf(module: ModuleFacts, scopeIndex: number): number | undefined {
    return this.ids.get(module)?.get(scopeIndex);
  }

  edges(id: number): Edge[] {
    let out = this.edgeCache.get(id);
    if (!out) {
      out = this.resolveEdges(id);
      this.edgeCache.set(id, out);
    }
    return out;
  }

  /** Calls (by index) whose code runs in each function's body, and the functions defined there (as -1 - scope). */
  private body(module: ModuleFacts, scopeIndex: number): number[] {
    let byOwner = this.bodies.get(module);
    if (!byOwner) {
      byOwner = new Map();
      const push = (owner: number, item: number): void => {
        if (owner < 0) return;
        (byOwner!.get(owner) ?? byOwner!.set(owner, []).get(owner)!).push(item);
      };
      module.calls.forEach((call, i) => push(ownerFunction(module, call.scope), i));
      module.scopes.forEach((s, i) => {
        if (s.kind === 'function' && s.parent >= 0) push(enclosingFunction(module, s.parent), -1 - i);
      });
      this.bodies.set(module, byOwner);
    }
    return byOwner.get(scopeIndex) ?? [];
  }

  private resolveEdges(id: number): Edge[] {
    const module = this.modules[id];
    const out: Edge[] = [];
    for (const item of this.body(module, this.scopes[id])) {
      if (item < 0) {
        const nested = this.idOf(module, -1 - item)!;
        out.push({ to: nested, how: 'defines', line: module.scopes[-1 - item].range.line, defined: module.scopes[-1 - item].name });
        continue;
      }
      this.callEdges(module, module.calls[item], out);
    }
    // A nested function its parent calls runs as part of the parent; only the ones it hands on are defined for later.
    if (out.length === 0) return NO_EDGES;
    const called = new Set(out.filter((e) => e.how === 'calls' || e.how === 'awaits').map((e) => e.to));
    return out.filter((e) => e.how !== 'defines' || !called.has(e.to));
  }

  private callEdges(module: ModuleFacts, call: CallFact, out: Edge[]): void {
    const parent = call.argumentOf !== undefined ? module.calls[call.argumentOf] : undefined;
    const parentName = parent ? (this.project.canonical(parent.callee) ?? parent.calleeText) : undefined;
    // What a loop runner runs has a loop of its own (an entry point of its own, context-roots.ts).
    if (parent && (LOOP_RUNNER.test(parentName!) || LOOP_RUNNER.test(parent.calleeText))) return;
    const line = call.range.line;
    const target = this.resolve(call.callee, true);
    if (target !== undefined) {
      const how: How = parentName && TASK_STARTERS.test(parentName) ? 'starts' : call.awaited ? 'awaits' : 'calls';
      out.push({ to: target, how, line, call });
      // `data_layer.delete()` on a base class runs one of its subclasses' overrides.
      for (const o of this.overrides.of(this.modules[target], this.scopes[target])) {
        const to = this.idOf(o.module, o.scopeIndex);
        if (to !== undefined) out.push({ to, how, line, call, override: o.className });
      }
    }
    const name = this.project.canonical(call.callee) ?? call.calleeText;
    if (LOOP_RUNNER.test(name) || LOOP_RUNNER.test(call.calleeText)) return;
    const starts = TASK_STARTERS.test(name);
    for (const a of call.arguments) {
      if (a.value.kind !== 'ref') continue;
      const ref = this.resolve(a.value.name, false);
      if (ref === undefined) continue;
      out.push({ to: ref, how: starts ? 'starts' : 'passes', line, call, argument: a.value.text });
    }
  }

  /** The project function a name runs: a function, or (when called) a class's `__init__`. */
  private resolve(name: string | null, called: boolean): number | undefined {
    const canonical = this.project.canonical(name);
    const def = canonical ? this.project.definition(canonical) : undefined;
    if (!def) return undefined;
    if (def.scope.kind === 'function') return this.idOf(def.module, def.scopeIndex);
    if (!called || def.scope.kind !== 'class') return undefined;
    const init = this.project.canonical(`${canonical}().__init__`);
    const initDef = init ? this.project.definition(init) : undefined;
    return initDef?.scope.kind === 'function' ? this.idOf(initDef.module, initDef.scopeIndex) : undefined;
  }
}

/** The methods of project subclasses that override a method (a call on the base class may run any of them). */
class Overrides {
  private children: Map<string, { module: ModuleFacts; scopeIndex: number }[]> | undefined;
  private readonly cache = new Map<ModuleFacts, Map<number, { module: ModuleFacts; scopeIndex: number; className: string }[]>>();
  /** Each class's own methods by name (the first definition), built per module on first use. */
  private readonly ownMethods = new Map<ModuleFacts, Map<number, Map<string, number>>>();

  constructor(private readonly project: Project) {}

  of(module: ModuleFacts, scopeIndex: number): { module: ModuleFacts; scopeIndex: number; className: string }[] {
    const method = module.scopes[scopeIndex];
    const cls = module.scopes[method.parent];
    if (cls?.kind !== 'class') return NO_OVERRIDES;
    let byScope = this.cache.get(module);
    if (!byScope) this.cache.set(module, (byScope = new Map()));
    let out = byScope.get(scopeIndex);
    if (!out) {
      out = [];
      for (const sub of this.descendants(`${module.moduleName}.${cls.qualname}`)) {
        const own = this.methodsOf(sub.module, sub.scopeIndex).get(method.name);
        if (own !== undefined) out.push({ module: sub.module, scopeIndex: own, className: sub.module.scopes[sub.scopeIndex].name });
      }
      if (out.length === 0) out = NO_OVERRIDES;
      byScope.set(scopeIndex, out);
    }
    return out;
  }

  /** Every project subclass of a class, nearest first, worked out once per class (a base class of thousands of test cases has many methods). */
  private readonly descendantCache = new Map<string, { module: ModuleFacts; scopeIndex: number }[]>();

  private descendants(className: string): { module: ModuleFacts; scopeIndex: number }[] {
    let out = this.descendantCache.get(className);
    if (out) return out;
    out = [];
    const seen = new Set<string>();
    const queue = [className];
    for (let next = 0; next < queue.length; next++) {
      for (const sub of this.subclasses().get(queue[next]) ?? []) {
        const subName = `${sub.module.moduleName}.${sub.module.scopes[sub.scopeIndex].qualname}`;
        if (seen.has(subName)) continue;
        seen.add(subName);
        queue.push(subName);
        out.push(sub);
      }
    }
    this.descendantCache.set(className, out);
    return out;
  }

  /** A class's own methods: functions whose parent is the class, by name, the first of each name. */
  private methodsOf(module: ModuleFacts, classScope: number): Map<string, number> {
    let byClass = this.ownMethods.get(module);
    if (!byClass) {
      byClass = new Map();
      module.scopes.forEach((s, i) => {
        if (s.kind !== 'function' || module.scopes[s.parent]?.kind !== 'class') return;
        let names = byClass!.get(s.parent);
        if (!names) byClass!.set(s.parent, (names = new Map()));
        if (!names.has(s.name)) names.set(s.name, i);
      });
      this.ownMethods.set(module, byClass);
    }
    return byClass.get(classScope) ?? NO_METHODS;
  }

  /** Class → its direct project subclasses, by canonical name; built on first use. */
  private subclasses(): Map<string, { module: ModuleFacts; scopeIndex: number }[]> {
    if (this.children) return this.children;
    this.children = new Map();
    for (const module of this.project.modules) {
      module.scopes.forEach((scope, scopeIndex) => {
        for (const base of scope.kind === 'class' ? (scope.bases ?? []) : []) {
          const name = this.project.canonical(base.replace(/(?:\[\])+$/, ''));
          const def = name ? this.project.definition(name) : undefined;
          if (def?.scope.kind !== 'class') continue;
          const key = `${def.module.moduleName}.${def.scope.qualname}`;
          (this.children!.get(key) ?? this.children!.set(key, []).get(key)!).push({ module, scopeIndex });
        }
      });
    }
    return this.children;
  }
}

const NO_OVERRIDES: { module: ModuleFacts; scopeIndex: number; className: string }[] = [];
/** The edges of most functions (shared: never added to). */
const NO_EDGES: Edge[] = [];
const NO_METHODS = new Map<string, number>();

/** The function a scope belongs to (through classes, comprehensions and lambdas), or -1. */
function enclosingFunction(module: ModuleFacts, scope: number): number {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) if (module.scopes[s].kind === 'function') return s;
  return -1;
}

export type { ContextRoot };
