/**
 * The web application as the project's code defines it: route handlers (FastAPI/APIRouter,
 * Flask/Blueprint, Quart, Sanic, Starlette, Litestar, `Route(...)`, `add_api_route`,
 * `add_url_rule`, and FastAPI `Depends(...)` targets), router modules, app entries (modules a
 * server invocation names, else modules that build an app object), and the module-level import
 * graph that start-up walks. Computed once per project from the facts, on first use.
 */

import type { ImportFact, ModuleFacts } from '../read/python/facts.js';
import type { Project } from './project.js';
import { appKindOf, asgiServerTarget, gunicornSettings, gunicornTarget, resolveAppFile } from './serving.js';
import type { ServerInvocation } from '../read/deploy/model.js';
import { FRAMEWORK_CONSTRUCTORS } from './frameworks.js';

export interface RouteHandler {
  module: ModuleFacts;
  scopeIndex: number;
  /** `route` for endpoints, `dependency` for FastAPI `Depends(...)` targets (they run per request too). */
  kind: 'route' | 'dependency';
}

/** A module-level import of a project module: an edge of the start-up import graph. */
export interface ImportEdge {
  from: ModuleFacts;
  to: ModuleFacts;
  statement: ImportFact;
}

export interface AppEntry {
  module: ModuleFacts;
  /** The invocations that serve it (empty when it is an entry because it builds an app object). */
  invocations: ServerInvocation[];
}

export interface ApplicationModel {
  routeHandlers: RouteHandler[];
  /** Modules that define a route handler or create an app/router object. */
  routerModules: Set<ModuleFacts>;
  entries: AppEntry[];
  /** Module → the project modules it imports at module level (not TYPE_CHECKING, not lazy). */
  imports: Map<ModuleFacts, ImportEdge[]>;
  /** Serves HTTP: has a route handler, an app object or a server invocation. */
  servesHttp: boolean;
  isRouteHandler(module: ModuleFacts, scopeIndex: number): RouteHandler | undefined;
}

/** `a.b` → `a\.b`: a catalogue name as an alternative of a regular expression. */
const literal = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The framework objects that hold routes (all, or those whose routes are decorators), as alternatives. */
const objectsWithRoutes = (decoratorsOnly: boolean): string =>
  FRAMEWORK_CONSTRUCTORS.filter((f) => (decoratorsOnly ? f.routes === 'decorators' : f.routes !== undefined))
    .map((f) => literal(f.name))
    .join('|');

/** `@app.get(...)`, `@router.route(...)`, `@bp.websocket(...)` on an app or router of a framework that registers routes by decorator. */
const ROUTE_DECORATOR = new RegExp(
  `^(${objectsWithRoutes(true)})\\(\\)\\.(get|post|put|patch|delete|head|options|trace|api_route|route|websocket|websocket_route)\\(\\)$`,
);
const LITESTAR_DECORATOR = /^litestar(\.handlers)?\.(get|post|put|patch|delete|head|route|websocket)(\(\))?$/;
/** An app or router object of a framework with routes (`app = FastAPI()`, `router = APIRouter()`). */
const APP_OR_ROUTER = new RegExp(`^(${objectsWithRoutes(false)})\\(\\)$`);
const ROUTE_CALLS = /^(starlette\.routing\.(Route|WebSocketRoute)|fastapi\.routing\.APIRoute)$/;
const ROUTE_CALL_TEXT = /(Route|APIRoute|add_api_route|add_api_websocket_route|add_url_rule|add_route|add_websocket_route)$/;
const ADD_ROUTE = /\(\)\.(add_api_route|add_api_websocket_route|add_url_rule|add_route|add_websocket_route)$/;

export function applicationModel(project: Project): ApplicationModel {
  return project.derived(build);
}

/** What the first walk over the modules finds: route handlers in the order found, router and app modules. */
interface Routes {
  handlers: Map<string, RouteHandler>;
  routerModules: Set<ModuleFacts>;
  /** Modules that bind an ASGI or WSGI app object at module level. */
  appModules: Set<ModuleFacts>;
}

function build(project: Project): ApplicationModel {
  const { handlers, routerModules, appModules } = findRoutes(project);
  addDependencies(project, handlers);
  const imports = new Map<ModuleFacts, ImportEdge[]>();
  for (const module of project.modules) imports.set(module, importEdges(project, module));
  const entries = appEntries(project, appModules);
  const routeHandlers = [...handlers.values()];
  return {
    routeHandlers,
    routerModules,
    entries,
    imports,
    servesHttp: routeHandlers.length > 0 || appModules.size > 0 || project.deployment.invocations.length > 0,
    isRouteHandler: (module, scopeIndex) => handlers.get(handlerKey(module, scopeIndex)),
  };
}

function handlerKey(module: ModuleFacts, scopeIndex: number): string {
  return `${module.path}#${scopeIndex}`;
}

/** Records a route handler; a function found as a route and as a dependency is a route. */
function addHandler(routes: Routes, module: ModuleFacts, scopeIndex: number, kind: RouteHandler['kind']): void {
  const k = handlerKey(module, scopeIndex);
  const seen = routes.handlers.get(k);
  if (!seen || (kind === 'route' && seen.kind === 'dependency')) routes.handlers.set(k, { module, scopeIndex, kind });
}

/** Every module in turn: decorated handlers, then app and router objects, then route registration calls. */
function findRoutes(project: Project): Routes {
  const routes: Routes = { handlers: new Map(), routerModules: new Set(), appModules: new Set() };
  for (const module of project.modules) {
    module.scopes.forEach((scope, scopeIndex) => {
      if (scope.kind !== 'function') return;
      if (scope.decorators.some((d) => isRouteDecorator(project.canonical(d.name)))) {
        addHandler(routes, module, scopeIndex, 'route');
        routes.routerModules.add(module);
      }
    });
    findAppObjects(project, module, routes);
    findRouteCalls(project, module, routes);
  }
  return routes;
}

/** Apps and routers are objects built at module level: `app = FastAPI()`, `router = APIRouter()`. */
function findAppObjects(project: Project, module: ModuleFacts, routes: Routes): void {
  const assigned = new Set(module.assignments.map((a) => a.name));
  for (const [name, value] of Object.entries(module.symbols)) {
    if (!assigned.has(name) || !value.endsWith(')')) continue;
    const c = project.canonical(value);
    if (c && APP_OR_ROUTER.test(c)) routes.routerModules.add(module);
    if (appKindOf(project, `${module.moduleName}.${name}`)) routes.appModules.add(module);
  }
}

/** `Route("/p", endpoint)` / `app.add_api_route("/p", endpoint)` / `app.add_url_rule("/p", view_func=f)`. */
function findRouteCalls(project: Project, module: ModuleFacts, routes: Routes): void {
  for (const call of module.calls) {
    // Cheap test on the text first: most calls are nothing of the kind.
    if (!ROUTE_CALL_TEXT.test(call.calleeText)) continue;
    const callee = project.canonical(call.callee);
    if (!callee) continue;
    let target: string | null | undefined;
    if (ROUTE_CALLS.test(callee)) {
      const a = call.arguments.find((x) => x.keyword === 'endpoint') ?? call.arguments.filter((x) => !x.keyword)[1];
      target = a?.value.kind === 'ref' ? a.value.name : undefined;
    } else if (ADD_ROUTE.test(callee)) {
      const a =
        call.arguments.find((x) => x.keyword === 'endpoint' || x.keyword === 'view_func' || x.keyword === 'route') ??
        call.arguments.filter((x) => !x.keyword)[callee.endsWith('add_url_rule') ? 2 : 1];
      target = a?.value.kind === 'ref' ? a.value.name : undefined;
    } else continue;
    const def = target ? project.definition(project.canonical(target) ?? '') : undefined;
    if (def?.scope.kind === 'function') {
      addHandler(routes, def.module, def.scopeIndex, 'route');
      routes.routerModules.add(def.module);
    }
  }
}

/** FastAPI dependencies: `Depends(fn)` in a handler's (or a dependency's) parameters, transitively. */
function addDependencies(project: Project, handlers: Map<string, RouteHandler>): void {
  const queue = [...handlers.values()];
  while (queue.length > 0) {
    const h = queue.shift()!;
    for (const p of h.module.scopes[h.scopeIndex].parameters) {
      if (!p.dependsOn) continue;
      const def = project.definition(project.canonical(p.dependsOn) ?? '');
      if (def?.scope.kind !== 'function' || handlers.has(handlerKey(def.module, def.scopeIndex))) continue;
      const dep: RouteHandler = { module: def.module, scopeIndex: def.scopeIndex, kind: 'dependency' };
      handlers.set(handlerKey(def.module, def.scopeIndex), dep);
      queue.push(dep);
    }
  }
}

/** Entries: modules that server invocations name; when none resolves, modules that build an app. */
function appEntries(project: Project, appModules: Set<ModuleFacts>): AppEntry[] {
  const byModule = new Map<ModuleFacts, ServerInvocation[]>();
  for (const invocation of project.deployment.invocations) {
    const target = invocation.program === 'gunicorn'
      ? gunicornTarget(project, invocation, gunicornSettings(project, invocation))
      : invocation.program === 'uvicorn'
        ? asgiServerTarget(project, invocation)
        : fastapiTarget(project, invocation);
    if (!target?.module) continue;
    const list = byModule.get(target.module) ?? [];
    list.push(invocation);
    byModule.set(target.module, list);
  }
  return byModule.size > 0
    ? [...byModule.entries()].map(([module, invocations]) => ({ module, invocations }))
    : [...appModules].map((module) => ({ module, invocations: [] }));
}

export function isRouteDecorator(name: string | null): boolean {
  return name !== null && (ROUTE_DECORATOR.test(name) || LITESTAR_DECORATOR.test(name));
}

/** `fastapi run [path]`: the path, else the CLI's default candidates. */
function fastapiTarget(project: Project, invocation: ServerInvocation) {
  const appOption = invocation.options.find((o) => o.name === 'app');
  const attribute = appOption && appOption.value !== true && appOption.value.known ? appOption.value.value : 'app';
  const candidates = invocation.positionals[0] ? [invocation.positionals[0]] : ['main.py', 'app.py', 'api.py', 'app/main.py', 'app/app.py', 'app/api.py'];
  for (const file of candidates) {
    const t = resolveAppFile(project, invocation, file, attribute);
    if (t.module) return t;
  }
  return undefined;
}

/** The project modules a module imports at module level, as the interpreter would load them at start-up. */
function importEdges(project: Project, module: ModuleFacts): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const lazy = lazyModules(module);
  for (const statement of module.imports) {
    if (statement.scope !== 0 || statement.typeCheckingOnly || statement.lazy || lazy.has(statement.module)) continue;
    const seen = new Set<ModuleFacts>();
    const add = (name: string): void => {
      const to = project.module(name);
      if (to && to !== module && !seen.has(to)) {
        seen.add(to);
        edges.push({ from: module, to, statement });
      }
    };
    // `import a.b.c` runs a, a.b and a.b.c; `from a import b` runs a, and a.b when it is a module.
    const parts = statement.module.split('.');
    for (let i = 1; i <= parts.length; i++) add(parts.slice(0, i).join('.'));
    if (statement.name && statement.name !== '*') add(`${statement.module}.${statement.name}`);
  }
  return edges;
}

/** Names listed in a module-level `__lazy_modules__ = [...]` (PEP 810's opt-in). */
export function lazyModules(module: ModuleFacts): Set<string> {
  const out = new Set<string>();
  for (const a of module.assignments) {
    if (a.name !== '__lazy_modules__') continue;
    const text = a.value.kind === 'other' || a.value.kind === 'ref' || a.value.kind === 'call' ? a.value.text : a.value.kind === 'str' ? JSON.stringify(a.value.value) : '';
    for (const m of text.matchAll(/["']([\w.]+)["']/g)) out.add(m[1]);
  }
  return out;
}
