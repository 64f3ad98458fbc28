/**
 * The entry points that decide where code runs (model/contexts.ts), found in the project's code:
 *   server   route handlers and FastAPI dependencies (the application model), functions that
 *            start a server on their loop or thread (`uvicorn.run`, `uvicorn.Server().serve()`), middleware
 *            (`@app.middleware`, `BaseHTTPMiddleware.dispatch`, the `__call__` of a class given to
 *            `add_middleware`), request hooks, socket.io and Channels handlers, GraphQL resolvers,
 *            Starlette endpoints and Django views;
 *   startup  lifespan functions and start-up or shut-down hooks;
 *   script   coroutines run on a loop of their own (`asyncio.run(...)`, `anyio.run`, `trio.run`,
 *            `run_until_complete`), functions called in a `__main__` block, CLI commands (click,
 *            typer) and functions that build an argparse command line;
 *   test     pytest fixtures, `async def test_*`, methods of `TestCase` classes.
 * What they reach, and paths, are the business of contexts.ts.
 */

import path from 'node:path';
import type { CallFact, ModuleFacts, ScopeFact } from '../read/python/facts.js';
import { applicationModel } from './application.js';
import { FRAMEWORK_CONSTRUCTORS, frameworkConstructor } from './frameworks.js';
import type { Project } from './project.js';

export type RootContext = 'server' | 'startup' | 'script' | 'test';

export interface ContextRoot {
  module: ModuleFacts;
  scopeIndex: number;
  context: RootContext;
  /** What makes it an entry point: `route handler \`profile\``, `middleware \`timing\` (\`@app.middleware("http")\`)`. */
  reason: string;
  /** Where the project says so: the decorator, the registering call, or the definition. */
  path: string;
  line: number;
}

const literal = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `fastapi.FastAPI().middleware()` → the method `middleware` of an app or router object. */
const APP_METHOD = new RegExp(`^(?:${FRAMEWORK_CONSTRUCTORS.map((f) => literal(f.name)).join('|')})\\(\\)\\.(\\w+)(?:\\(\\))?$`);
const SERVER_HOOKS = new Set([
  'middleware', 'exception_handler', 'errorhandler', 'app_errorhandler', 'before_request', 'after_request', 'teardown_request',
  'teardown_appcontext', 'before_app_request', 'after_app_request', 'before_websocket', 'after_websocket', 'context_processor',
  'app_context_processor', 'url_value_preprocessor', 'on_request', 'on_response', 'exception',
]);
const STARTUP_HOOKS = new Set([
  'on_event', 'before_serving', 'after_serving', 'while_serving', 'before_first_request', 'before_app_first_request', 'listener',
  'before_server_start', 'after_server_start', 'before_server_stop', 'after_server_stop', 'main_process_start', 'main_process_stop',
  'main_process_ready', 'reload_process_start', 'reload_process_stop',
]);
/**
 * `@router.get("/users")` on an object the application model cannot place (a router built by a
 * project factory, an app returned by `create_app()`): a route all the same, by its path argument.
 */
const ROUTE_BY_PATH = /^[\w.]+\.(?:get|post|put|patch|delete|head|options|trace|api_route|route|websocket|websocket_route)\(\s*(?:[rf]?["']\/|["']["'])/;
const SOCKETIO_DECORATOR = /^socketio\.(?:Async)?Server\(\)\.(?:on|event)(?:\(\))?$/;
const GRAPHQL_DECORATOR = /^(?:strawberry\.(?:field|mutation|subscription)|ariadne\.\w+\(\)\.(?:field|source))(?:\(\))?$/;
const CLI_DECORATOR = /^(?:click|asyncclick|rich_click|cloup|typer)\./;
const CLI_SUBCOMMAND = /^(.*)\.(?:command|group|callback)(?:\(\))?$/;
const PYTEST_FIXTURE = /^(?:pytest|pytest_asyncio)\.fixture(?:\(\))?$/;
/** Calls that run a coroutine on a loop of their own: what they run shares its loop with nothing else. */
export const LOOP_RUNNER = /^(?:asyncio\.run|anyio\.run|trio\.run|uvloop\.run|asyncio\.Runner\(\)\.run)$|\.run_until_complete$/;
/** Calls that serve requests on the caller's thread or loop: the function that makes one is a server's launcher. */
const SERVER_RUN = /^(?:uvicorn\.(?:run|Server\(\)\.(?:serve|run))|hypercorn\.(?:asyncio|trio)\.serve|aiohttp\.web\.run_app|asyncio\.start(?:_unix)?_server|werkzeug\.serving\.run_simple|waitress\.serve|granian\.Granian\(\)\.serve)$/;
const APP_RUN = new Set(['run', 'run_task', 'serve']);
const DEPENDENCY_CALL = /^fastapi\.(?:params\.)?(?:Depends|Security)$/;
const MIDDLEWARE_CALL = /(?:\.add_middleware|^starlette\.middleware\.Middleware|^fastapi\.middleware\.Middleware)$/;
const DJANGO_URL = /^django\.(?:urls\.(?:path|re_path)|conf\.urls\.url)$/;
const VIEW_METHODS = /^(?:get|post|put|patch|delete|head|options|dispatch|list|create|retrieve|update|partial_update|destroy)$/;

/** Classes whose methods are entry points, by a base class (transitively through project classes). */
const CLASS_ROLES: { base: RegExp; methods: RegExp; context: RootContext; role: string }[] = [
  { base: /^starlette\.middleware\.base\.BaseHTTPMiddleware$/, methods: /^dispatch$/, context: 'server', role: 'middleware' },
  { base: /^starlette\.endpoints\.(?:HTTP|WebSocket)Endpoint$/, methods: /^(?:get|post|put|patch|delete|head|options|on_\w+)$/, context: 'server', role: 'Starlette endpoint' },
  { base: /^channels\.(?:generic\.\w+\.\w+|consumer\.\w+)$/, methods: /^[A-Za-z]\w*$/, context: 'server', role: 'Channels consumer' },
  { base: /^socketio\.(?:Async)?Namespace$/, methods: /^on_\w+$/, context: 'server', role: 'socket.io namespace' },
  { base: /^graphene\./, methods: /^(?:resolve_\w+|mutate)$/, context: 'server', role: 'GraphQL resolver' },
  { base: /^(?:django\.views\.|rest_framework\.(?:views|viewsets|generics)\.)/, methods: VIEW_METHODS, context: 'server', role: 'Django view' },
  { base: /^xoscar\.(?:api\.)?(?:Stateless)?Actor$/, methods: /^[a-z]\w*$/, context: 'server', role: 'xoscar actor (its pool serves every caller)' },
  { base: /^fastapi_users\.(?:manager\.)?BaseUserManager$/, methods: /^[a-z]\w*$/, context: 'server', role: 'fastapi-users user manager' },
  { base: /^(?:unittest\.(?:async_case\.)?(?:IsolatedAsyncio)?TestCase|django\.test\.\w*TestCase)$/, methods: /^\w+$/, context: 'test', role: 'test case' },
];

/** The entry points of the project, in a stable order (modules in discovery order). */
export function contextRoots(project: Project): ContextRoot[] {
  return project.derived(findRoots);
}

function findRoots(project: Project): ContextRoot[] {
  const roots: ContextRoot[] = [];
  for (const h of applicationModel(project).routeHandlers) {
    const scope = h.module.scopes[h.scopeIndex];
    const reason = h.kind === 'route' ? `route handler \`${scope.name}\`` : `FastAPI dependency \`${scope.name}\``;
    roots.push({ module: h.module, scopeIndex: h.scopeIndex, context: 'server', reason, path: h.module.path, line: (scope.decorators[0]?.range ?? scope.range).line });
  }
  const cli = new CliCommands(project);
  for (const module of project.modules) {
    module.scopes.forEach((scope, scopeIndex) => {
      if (scope.kind === 'function') decoratedRoots(project, module, scopeIndex, cli, roots);
      else if (scope.kind === 'class') classRoots(project, module, scopeIndex, roots);
    });
    for (const call of module.calls) callRoots(project, module, call, roots);
  }
  return roots;
}

/** Functions that their decorators, or their own code, make an entry point. */
function decoratedRoots(project: Project, module: ModuleFacts, scopeIndex: number, cli: CliCommands, roots: ContextRoot[]): void {
  const scope = module.scopes[scopeIndex];
  const add = (context: RootContext, reason: string, line: number): void => {
    roots.push({ module, scopeIndex, context, reason, path: module.path, line });
  };
  for (const d of scope.decorators) {
    const name = project.canonical(d.name) ?? '';
    const line = d.range.line;
    const method = APP_METHOD.exec(name)?.[1];
    if (method && SERVER_HOOKS.has(method)) add('server', `${method === 'middleware' ? 'middleware' : 'request hook'} \`${scope.name}\` (\`@${shortText(d.text)}\`)`, line);
    else if (method && STARTUP_HOOKS.has(method)) add('startup', `start-up or shut-down hook \`${scope.name}\` (\`@${shortText(d.text)}\`)`, line);
    else if (ROUTE_BY_PATH.test(d.text)) add('server', `route handler \`${scope.name}\` (\`@${routeText(d.text)}\`)`, line);
    else if (SOCKETIO_DECORATOR.test(name)) add('server', `socket.io handler \`${scope.name}\` (\`@${shortText(d.text)}\`)`, line);
    else if (GRAPHQL_DECORATOR.test(name)) add('server', `GraphQL resolver \`${scope.name}\` (\`@${shortText(d.text)}\`)`, line);
    else if (PYTEST_FIXTURE.test(name)) add('test', `pytest fixture \`${scope.name}\``, line);
    else if (cli.isCommandDecorator(name)) add('script', `command-line command \`${scope.name}\` (\`@${shortText(d.text)}\`)`, line);
    else continue;
    return;
  }
  if (scope.isAsync && scope.name.startsWith('test_')) add('test', `test \`async def ${scope.name}\``, scope.range.line);
}

/** A decorator as a message quotes it: on one line, its arguments elided when they are long. */
function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  return flat.length <= 40 || !flat.includes('(') ? flat : `${flat.slice(0, flat.indexOf('('))}(...)`;
}

/** `router.get(\n  "/users", response_model=...)` → `router.get("/users", ...)`. */
function routeText(text: string): string {
  const m = /^([\w.]+)\(\s*([rf]?(["'])[^"']*\3)\s*(,?)/.exec(text);
  return m ? `${m[1]}(${m[2]}${m[4] ? ', ...' : ''})` : text;
}

/** click and typer commands: decorators of those packages, and subcommands of a project command group. */
class CliCommands {
  private readonly cache = new Map<string, boolean>();
  constructor(private readonly project: Project) {}

  isCommandDecorator(name: string, depth = 0): boolean {
    if (CLI_DECORATOR.test(name)) return true;
    const group = CLI_SUBCOMMAND.exec(name)?.[1];
    if (!group || depth > 3) return false;
    const cached = this.cache.get(group);
    if (cached !== undefined) return cached;
    this.cache.set(group, false);
    const def = this.project.definition(group);
    const result = def?.scope.kind === 'function' && def.scope.decorators.some((d) => this.isCommandDecorator(this.project.canonical(d.name) ?? '', depth + 1));
    this.cache.set(group, result);
    return result;
  }
}

/** The canonical names of a class's bases, and of their bases when they are project classes. */
export function classBases(project: Project, module: ModuleFacts, scopeIndex: number): string[] {
  const out: string[] = [];
  const seen = new Set<ScopeFact>();
  const visit = (m: ModuleFacts, s: number, depth: number): void => {
    const scope = m.scopes[s];
    if (seen.has(scope) || depth > 8) return;
    seen.add(scope);
    for (const base of scope.bases ?? []) {
      // `BaseUserManager[User, UUID]` is a `BaseUserManager`.
      const name = project.canonical(base.replace(/(?:\[\])+$/, ''));
      if (!name) continue;
      out.push(name);
      const def = project.definition(name);
      if (def?.scope.kind === 'class') visit(def.module, def.scopeIndex, depth + 1);
    }
  };
  visit(module, scopeIndex, 0);
  return out;
}

/** The methods of a class (defined in its body) whose names match. */
function methods(module: ModuleFacts, classIndex: number, names: RegExp): number[] {
  const out: number[] = [];
  module.scopes.forEach((s, i) => {
    if (s.parent === classIndex && s.kind === 'function' && names.test(s.name)) out.push(i);
  });
  return out;
}

function classRoots(project: Project, module: ModuleFacts, classIndex: number, roots: ContextRoot[]): void {
  const cls = module.scopes[classIndex];
  if (!cls.bases || cls.bases.length === 0) return;
  const bases = classBases(project, module, classIndex);
  for (const role of CLASS_ROLES) {
    if (!bases.some((b) => role.base.test(b))) continue;
    for (const m of methods(module, classIndex, role.methods)) {
      const scope = module.scopes[m];
      roots.push({ module, scopeIndex: m, context: role.context, reason: `${role.role} \`${cls.name}.${scope.name}\``, path: module.path, line: scope.range.line });
    }
    return;
  }
}

/** The project function or class a name refers to. */
function definitionOf(project: Project, name: string | null | undefined): { module: ModuleFacts; scopeIndex: number; scope: ScopeFact } | undefined {
  const canonical = project.canonical(name ?? null);
  return canonical ? project.definition(canonical) : undefined;
}

/** The function a call's argument names: a reference (`lifespan=lifespan`) or a call (`asyncio.run(main())`). */
function argumentTarget(project: Project, call: CallFact, position: number | string) {
  const a = typeof position === 'number' ? call.arguments.filter((x) => !x.keyword && !x.splat)[position] : call.arguments.find((x) => x.keyword === position);
  if (a?.value.kind === 'ref') return definitionOf(project, a.value.name);
  if (a?.value.kind === 'call') return definitionOf(project, a.value.name?.replace(/\(\)$/, ''));
  return undefined;
}

/** Names in a list literal (`on_startup=[open_pools, warm_up]`) as the module binds them. */
function listedFunctions(project: Project, module: ModuleFacts, text: string) {
  const out = [];
  for (const m of text.matchAll(/[A-Za-z_][\w.]*/g)) {
    const [head, ...rest] = m[0].split('.');
    const bound = module.symbols[head] ?? `${module.moduleName}.${head}`;
    const def = definitionOf(project, [bound, ...rest].join('.'));
    if (def?.scope.kind === 'function') out.push(def);
  }
  return out;
}

function callRoots(project: Project, module: ModuleFacts, call: CallFact, roots: ContextRoot[]): void {
  const name = project.canonical(call.callee) ?? '';
  const at = { path: module.path, line: call.range.line };
  const add = (def: { module: ModuleFacts; scopeIndex: number; scope: ScopeFact } | undefined, context: RootContext, reason: (fn: string) => string): void => {
    if (def?.scope.kind === 'function') roots.push({ module: def.module, scopeIndex: def.scopeIndex, context, reason: reason(def.scope.name), ...at });
  };
  const text = call.calleeText;
  if (LOOP_RUNNER.test(name) || /\.run_until_complete$/.test(text)) {
    add(argumentTarget(project, call, 0), 'script', (fn) => `\`${fn}\`, run on a loop of its own by \`${text}(...)\``);
  } else if (DEPENDENCY_CALL.test(name)) {
    add(argumentTarget(project, call, 0), 'server', (fn) => `FastAPI dependency \`${fn}\` (\`${text}(${fn})\`)`);
  } else if (MIDDLEWARE_CALL.test(name)) {
    const cls = argumentTarget(project, call, 0);
    if (cls?.scope.kind !== 'class') return;
    for (const m of methods(cls.module, cls.scopeIndex, /^(?:__call__|dispatch)$/)) {
      add({ module: cls.module, scopeIndex: m, scope: cls.module.scopes[m] }, 'server', (fn) => `middleware \`${cls.scope.name}.${fn}\` (\`${text}(${cls.scope.name})\`)`);
    }
  } else if (name.endsWith('.add_event_handler')) {
    add(argumentTarget(project, call, 1), 'startup', (fn) => `start-up or shut-down hook \`${fn}\` (\`${text}(...)\`)`);
  } else if (/^socketio\.(?:Async)?Server\(\)\.on$/.test(name)) {
    add(argumentTarget(project, call, 1) ?? argumentTarget(project, call, 'handler'), 'server', (fn) => `socket.io handler \`${fn}\``);
  } else if (DJANGO_URL.test(name)) {
    djangoView(project, module, call, roots);
  } else if (frameworkConstructor(name)) {
    for (const keyword of ['lifespan', 'on_startup', 'on_shutdown']) {
      const value = call.arguments.find((a) => a.keyword === keyword)?.value;
      // `lifespan=lifespan`, `lifespan=override or lifespan`, `on_startup=[open_pools, warm_up]`
      const listed = value && (value.kind === 'other' || value.kind === 'ref') ? listedFunctions(project, module, value.text) : [];
      const what = keyword === 'lifespan' ? 'lifespan function' : 'start-up or shut-down hook';
      for (const def of listed) add(def, 'startup', (fn) => `${what} \`${fn}\` (\`${text}(${keyword}=...)\`)`);
    }
  } else if (call.arguments.some((a) => a.keyword?.startsWith('lifespan') && a.value.kind === 'ref')) {
    // A lifespan handed to the project's own app factory: `get_application(lifespan_override=lifespan)`.
    const a = call.arguments.find((x) => x.keyword?.startsWith('lifespan') && x.value.kind === 'ref')!;
    add(argumentTarget(project, call, a.keyword!), 'startup', (fn) => `lifespan function \`${fn}\` (\`${text}(${a.keyword}=...)\`)`);
  } else if (SERVER_RUN.test(name) || APP_RUN.has(APP_METHOD.exec(name)?.[1] ?? '')) {
    // A command that starts a server (`datasette serve`, `await uvicorn.Server(config).serve()`) is not a
    // one-shot script: its own code runs once, before and after serving (start-up), and the tasks it
    // starts run while the server serves (server, as for any start-up code).
    const owner = ownerFunction(module, call.scope);
    if (owner >= 0) add({ module, scopeIndex: owner, scope: module.scopes[owner] }, 'startup', (fn) => `\`${fn}\`, which starts a server (\`${text}(...)\`): its own code runs before and after serving`);
  } else if (name === 'argparse.ArgumentParser') {
    const owner = ownerFunction(module, call.scope);
    if (owner >= 0) add({ module, scopeIndex: owner, scope: module.scopes[owner] }, 'script', (fn) => `command-line program \`${fn}\` (it builds an \`argparse.ArgumentParser\`)`);
  }
  if (call.inMainGuard || (path.basename(module.path) === '__main__.py' && ownerFunction(module, call.scope) < 0)) {
    add(definitionOf(project, call.callee), 'script', (fn) => `\`${fn}\`, called in ${call.inMainGuard ? '`if __name__ == "__main__":`' : '`__main__.py`'}`);
  }
}

/** `path("users/", views.users)` / `path("users/", UserView.as_view())`. */
function djangoView(project: Project, module: ModuleFacts, call: CallFact, roots: ContextRoot[]): void {
  const view = call.arguments.filter((a) => !a.keyword)[1]?.value;
  const at = { path: module.path, line: call.range.line };
  if (view?.kind === 'ref') {
    const def = definitionOf(project, view.name);
    if (def?.scope.kind === 'function') roots.push({ module: def.module, scopeIndex: def.scopeIndex, context: 'server', reason: `Django view \`${def.scope.name}\``, ...at });
  } else if (view?.kind === 'call' && view.name?.endsWith('.as_view()')) {
    const cls = definitionOf(project, view.name.slice(0, -'.as_view()'.length));
    if (cls?.scope.kind !== 'class') return;
    for (const m of methods(cls.module, cls.scopeIndex, VIEW_METHODS)) {
      roots.push({ module: cls.module, scopeIndex: m, context: 'server', reason: `Django view \`${cls.scope.name}.${cls.module.scopes[m].name}\``, ...at });
    }
  }
}

/** The function whose body runs code of this scope (through comprehensions and lambdas), or -1 at module level. */
export function ownerFunction(module: ModuleFacts, scope: number): number {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    const k = module.scopes[s].kind;
    if (k === 'function') return s;
    if (k === 'class' || k === 'module') return -1;
  }
  return -1;
}
