/**
 * What a server invocation serves and how: the app target resolved into the project's Python code
 * (`app.main:app` → `app/main.py`, `app = FastAPI()` → ASGI), and gunicorn's effective settings
 * merged from its config file, `GUNICORN_CMD_ARGS` and the command line, in gunicorn's order.
 */

import path from 'node:path';
import type { SourceRange } from '../core/diagnostics.js';
import type { Project } from './project.js';
import type { AssignmentFact, ModuleFacts, ValueFact } from '../read/python/facts.js';
import { shellWords } from '../read/deploy/command.js';
import { known, type DeployValue, type InvocationOption, type ServerInvocation, type SourceLocation } from '../read/deploy/model.js';
import { optionValue, parseArguments } from '../read/deploy/options.js';
import { ASGI_FRAMEWORK_PACKAGES, WSGI_FRAMEWORK_PACKAGES, frameworkConstructor, type AppKind } from './frameworks.js';

export type { AppKind } from './frameworks.js';

export interface AppTarget {
  /** As written: `app.main:app`, `wsgi:create_app()`. */
  text: string;
  module?: ModuleFacts;
  attribute: string;
  kind?: AppKind;
  /** Where the app object (or the factory) is defined. */
  definition?: SourceLocation;
  /** What made it ASGI or WSGI: `FastAPI()`. */
  built?: string;
}

function constructorKind(name: string | null): { kind: AppKind; built: string } | undefined {
  if (!name) return undefined;
  const base = name.endsWith('()') ? name.slice(0, -2) : name;
  const kind = frameworkConstructor(base)?.kind;
  return kind ? { kind, built: `${base.split('.').pop()}()` } : undefined;
}

/** ASGI or WSGI, for a canonical name: a framework constructor, or a project subclass of one. */
export function appKindOf(project: Project, name: string | null, depth = 0): { kind: AppKind; built: string } | undefined {
  const canonical = project.canonical(name);
  const direct = constructorKind(canonical);
  if (direct || !canonical || depth > 6) return direct;
  const cls = project.definition(canonical.endsWith('()') ? canonical.slice(0, -2) : canonical);
  if (cls?.scope.kind === 'class' && canonical.endsWith('()')) {
    for (const base of cls.scope.bases ?? []) {
      const k = appKindOf(project, `${base}()`, depth + 1);
      if (k) return k;
    }
  }
  return undefined;
}

/** The file a dotted module name refers to, seen from a directory. */
function moduleFrom(project: Project, dotted: string, bases: string[]): ModuleFacts | undefined {
  const rel = dotted.split('.').join(path.sep);
  for (const base of bases) {
    const m = project.moduleAt(path.join(base, `${rel}.py`)) ?? project.moduleAt(path.join(base, rel, '__init__.py'));
    if (m) return m;
  }
  return project.module(dotted);
}

/**
 * The project directories an invocation's relative paths may start from: the directory it maps to
 * when known (a Docker build context), else the directory of the file that holds it and each
 * parent up to the project root (a script in `scripts/` is usually run from the root).
 */
export function anchorDirectories(invocation: ServerInvocation, project: Project): string[] {
  if (invocation.projectDirectory) return [invocation.projectDirectory];
  const out: string[] = [];
  let dir = path.dirname(invocation.location.path);
  for (;;) {
    out.push(dir);
    const rel = path.relative(project.root, dir);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) break;
    dir = path.dirname(dir);
  }
  if (!out.includes(project.root)) out.push(project.root);
  return out;
}

/** A path from a deployment file (container path or relative) → a project path, from one anchor. */
export function projectPathOf(invocation: ServerInvocation, base: string, p: string): string {
  const wd = invocation.workingDirectory;
  if (path.posix.isAbsolute(p)) {
    if (wd && path.posix.isAbsolute(wd) && (p === wd || p.startsWith(`${wd.replace(/\/$/, '')}/`))) return path.join(base, path.posix.relative(wd, p));
    return path.join(base, p.replace(/^\/+/, ''));
  }
  return path.join(base, p);
}

/**
 * The project directory a server imports the app from (the first entry of its `sys.path`):
 * gunicorn `--chdir` or uvicorn `--app-dir`, else its working directory, mapped into the project
 * (a container's WORKDIR is the Docker build context). Undefined when nothing says where it starts.
 */
export function serverImportRoot(invocation: ServerInvocation): string | undefined {
  if (invocation.source === 'python') return undefined;
  const wd = invocation.workingDirectory;
  let start = invocation.projectDirectory;
  if (wd && !path.posix.isAbsolute(wd)) start = path.join(start ?? path.dirname(invocation.location.path), wd);
  const option = optionValue(invocation.options, invocation.program === 'gunicorn' ? 'chdir' : 'app-dir')?.value;
  if (option && option !== true && option.known) return projectPathOf(invocation, start ?? path.dirname(invocation.location.path), option.value);
  return start;
}

/** Directories an app target's module path is looked up from. */
function searchBases(invocation: ServerInvocation, project: Project, extra: (string | undefined)[]): string[] {
  const anchors = anchorDirectories(invocation, project);
  const bases: string[] = [];
  for (const e of extra) if (e) for (const a of anchors) bases.push(projectPathOf(invocation, a, e));
  // `cd src && gunicorn ...` / WORKDIR /srv/app/src: a relative working directory moves the base.
  const wd = invocation.workingDirectory;
  if (wd && !path.posix.isAbsolute(wd)) for (const a of anchors) bases.push(path.join(a, wd));
  bases.push(...anchors);
  return [...new Set(bases)];
}

function definitionOf(module: ModuleFacts, name: string): SourceRange | undefined {
  const assignment = [...module.assignments].reverse().find((a) => a.name === name);
  if (assignment) return assignment.range;
  const scope = module.scopes.find((s) => s.parent === 0 && s.name === name && (s.kind === 'function' || s.kind === 'class'));
  return scope?.nameRange ?? scope?.range;
}

/** Resolve `module:attribute` (or `module:factory()`) against the project. */
export function resolveAppTarget(project: Project, invocation: ServerInvocation, text: string, extraBases: (string | undefined)[] = []): AppTarget {
  const [modulePart, attrPart = 'application'] = text.split(':');
  const factoryCall = /\(.*\)\s*$/.test(attrPart);
  const attribute = attrPart.replace(/\(.*\)\s*$/, '').trim();
  const target: AppTarget = { text, attribute };
  if (!modulePart || /\$/.test(text)) return target;
  const module = moduleFrom(project, modulePart, searchBases(invocation, project, extraBases));
  if (!module) return target;
  target.module = module;
  return classify(project, target, module, attribute, factoryCall || optionValue(invocation.options, 'factory') !== undefined);
}

/** A Python file named by path (`fastapi run app/main.py`). */
export function resolveAppFile(project: Project, invocation: ServerInvocation, file: string, attribute: string): AppTarget {
  const target: AppTarget = { text: `${file}:${attribute}`, attribute };
  const module = anchorDirectories(invocation, project)
    .map((a) => project.moduleAt(projectPathOf(invocation, a, file)))
    .find((m) => m !== undefined);
  if (!module) return target;
  target.module = module;
  return classify(project, target, module, attribute, false);
}

function classify(project: Project, target: AppTarget, module: ModuleFacts, attribute: string, factory: boolean): AppTarget {
  const range = definitionOf(module, attribute);
  if (range) target.definition = { path: module.path, range };
  const bound = `${module.moduleName}.${attribute}`;
  const direct = appKindOf(project, bound);
  if (direct) return { ...target, ...direct };
  // A factory (`create_app()`, uvicorn --factory, or a function the target names): what it builds.
  const canonical = project.canonical(bound);
  const fn = canonical ? project.definition(canonical) : undefined;
  if (fn && fn.scope.kind === 'function') {
    const inside = (scope: number): boolean => {
      for (let s = scope; s >= 0; s = fn.module.scopes[s].parent) if (s === fn.scopeIndex) return true;
      return false;
    };
    for (const call of fn.module.calls) {
      if (!inside(call.scope)) continue;
      const k = appKindOf(project, call.callee ? `${call.callee}()` : null);
      if (k) return { ...target, ...k };
    }
  }
  void factory;
  return target;
}

// ---------------------------------------------------------------------------------------------
// gunicorn settings

export type SettingOrigin = 'default' | 'config' | 'environment' | 'command line';

export interface Setting {
  value: DeployValue | true;
  origin: SettingOrigin;
  location?: SourceLocation;
}

export interface GunicornSettings {
  workerClass: Setting;
  workers: Setting;
  threads: Setting;
  keepalive?: Setting;
  reload?: Setting;
  preload?: Setting;
  wsgiApp?: Setting;
  chdir?: Setting;
  /** The config file read (`-c` or the default `./gunicorn.conf.py`). */
  configFile?: ModuleFacts;
  /** Names in the config file that look like a setting but are not one (`keep_alive`). */
  misspelt: { name: string; setting: string; location: SourceLocation }[];
  /** True when GUNICORN_CMD_ARGS is set to something unknown: any setting may come from it. */
  unknownEnvironment: boolean;
}

/** CLI option (canonical long name) → gunicorn setting name. */
const CLI_SETTINGS: Record<string, string> = {
  'worker-class': 'worker_class',
  workers: 'workers',
  threads: 'threads',
  'keep-alive': 'keepalive',
  reload: 'reload',
  preload: 'preload_app',
  chdir: 'chdir',
  config: 'config',
};

/** Config-file names gunicorn ignores that people write for a real setting. */
const MISSPELLINGS: Record<string, string> = {
  keep_alive: 'keepalive',
  keepAlive: 'keepalive',
  timeout_keep_alive: 'keepalive',
  keepalive_timeout: 'keepalive',
  keep_alive_timeout: 'keepalive',
  workerclass: 'worker_class',
  workerClass: 'worker_class',
  worker_classes: 'worker_class',
  worker_type: 'worker_class',
  worker: 'workers',
  num_workers: 'workers',
  thread: 'threads',
  preload: 'preload_app',
};

const CONFIG_SETTINGS = ['worker_class', 'workers', 'threads', 'keepalive', 'reload', 'preload_app', 'wsgi_app', 'chdir'];

/** A module-level value of a config file as a deployment value; `os.getenv("X", "60")` gives its default. */
export function configValue(module: ModuleFacts, assignment: AssignmentFact): DeployValue {
  return valueOf(module, assignment.value, assignment.valueRange, 0);
}

function valueOf(module: ModuleFacts, value: ValueFact, range: SourceRange, depth: number): DeployValue {
  switch (value.kind) {
    case 'str':
      return known(value.value);
    case 'num':
      return known(value.value);
    case 'bool':
      return known(value.value ? 'true' : 'false');
    case 'call': {
      if (depth > 3) return { known: false, text: value.text };
      const index = module.calls.findIndex((c) => c.range.line === range.line && c.range.column === range.column);
      const call = module.calls[index];
      if (!call) return { known: false, text: value.text };
      if (call.callee === 'os.getenv' || call.callee === 'os.environ.get') {
        const fallback = call.arguments.find((a, i) => (i === 1 && !a.keyword) || a.keyword === 'default');
        if (fallback && (fallback.value.kind === 'str' || fallback.value.kind === 'num')) return known(fallback.value.value);
        return { known: false, text: value.text };
      }
      if (call.callee === 'builtins.int' || call.callee === 'builtins.str' || call.callee === 'builtins.float') {
        const inner = module.calls.findIndex((c, i) => i !== index && c.argumentOf === index);
        if (inner >= 0) return valueOf(module, { kind: 'call', name: module.calls[inner].callee, text: value.text }, module.calls[inner].range, depth + 1);
        const arg = call.arguments[0]?.value;
        if (arg && (arg.kind === 'str' || arg.kind === 'num')) return known(arg.value);
      }
      return { known: false, text: value.text };
    }
    default:
      return { known: false, text: 'text' in value ? value.text : value.kind };
  }
}

function findConfigModule(project: Project, invocation: ServerInvocation, spec: string | undefined): ModuleFacts | undefined {
  if (spec?.startsWith('python:')) return project.module(spec.slice('python:'.length));
  const wd = invocation.workingDirectory && !path.posix.isAbsolute(invocation.workingDirectory) ? invocation.workingDirectory : '.';
  for (const anchor of anchorDirectories(invocation, project)) {
    const start = path.join(anchor, wd);
    // gunicorn's default: ./gunicorn.conf.py in the directory it starts from (before --chdir).
    const file = spec !== undefined ? projectPathOf(invocation, start, spec) : path.join(start, 'gunicorn.conf.py');
    const m = project.moduleAt(file);
    if (m) return m;
  }
  return undefined;
}

export function gunicornSettings(project: Project, invocation: ServerInvocation): GunicornSettings {
  const settings: Record<string, Setting> = {
    worker_class: { value: known('sync'), origin: 'default' },
    // gunicorn's default for --workers is $WEB_CONCURRENCY, else 1.
    workers: { value: invocation.environment.WEB_CONCURRENCY ?? known('1'), origin: 'default' },
    threads: { value: known('1'), origin: 'default' },
  };
  const envArgs = invocation.environment.GUNICORN_CMD_ARGS;
  const envOptions: InvocationOption[] = envArgs?.known
    ? parseArguments('gunicorn', shellWords(envArgs.value).filter((w): w is string => typeof w === 'string')).options
    : [];
  const cli = invocation.options;
  const configSpec = optionValue(cli, 'config') ?? optionValue(envOptions, 'config');
  const configFile = findConfigModule(project, invocation, configSpec && configSpec.value !== true && configSpec.value.known ? configSpec.value.value : undefined);
  const misspelt: GunicornSettings['misspelt'] = [];
  if (configFile) {
    const normalise = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
    for (const a of configFile.assignments) {
      if (CONFIG_SETTINGS.includes(a.name)) {
        settings[a.name] = { value: configValue(configFile, a), origin: 'config', location: { path: configFile.path, range: a.range } };
        continue;
      }
      const intended = MISSPELLINGS[a.name] ?? CONFIG_SETTINGS.find((s) => normalise(s) === normalise(a.name));
      if (intended) misspelt.push({ name: a.name, setting: intended, location: { path: configFile.path, range: a.range } });
    }
  }
  const apply = (options: InvocationOption[], origin: SettingOrigin, location?: SourceLocation): void => {
    for (const o of options) {
      const name = CLI_SETTINGS[o.name];
      if (name) settings[name] = { value: o.value, origin, location };
    }
  };
  apply(envOptions, 'environment', invocation.location);
  apply(cli, 'command line', invocation.location);
  const out: GunicornSettings = {
    workerClass: settings.worker_class,
    workers: settings.workers,
    threads: settings.threads,
    misspelt,
    unknownEnvironment: envArgs !== undefined && !envArgs.known,
  };
  if (settings.keepalive) out.keepalive = settings.keepalive;
  if (settings.reload) out.reload = settings.reload;
  if (settings.preload_app) out.preload = settings.preload_app;
  if (settings.wsgi_app) out.wsgiApp = settings.wsgi_app;
  if (settings.chdir) out.chdir = settings.chdir;
  if (configFile) out.configFile = configFile;
  return out;
}

export type WorkerKind = 'asgi' | 'uvicorn' | 'sync' | 'threaded' | 'async' | 'unknown';

const UVICORN_WORKERS = ['uvicorn.workers.UvicornWorker', 'uvicorn.workers.UvicornH11Worker', 'uvicorn_worker.UvicornWorker', 'uvicorn_worker.UvicornH11Worker'];

/**
 * What a worker class can serve: `uvicorn` (Uvicorn's workers and project subclasses: ASGI only),
 * `asgi` (gunicorn's own ASGI worker), `sync`, `threaded` (gthread), `async` (gevent, eventlet,
 * tornado: WSGI), or `unknown` (a value only known at run time, or a class we cannot see).
 */
export function workerKind(project: Project, value: DeployValue | true): WorkerKind {
  if (value === true || !value.known) return 'unknown';
  const v = value.value.trim().replace(/^egg:gunicorn#/, '');
  if (UVICORN_WORKERS.includes(v)) return 'uvicorn';
  if (v === 'asgi' || v === 'gunicorn.workers.gasgi.ASGIWorker') return 'asgi';
  if (v === 'sync' || v === 'gunicorn.workers.sync.SyncWorker') return 'sync';
  if (v === 'gthread' || v === 'gunicorn.workers.gthread.ThreadWorker') return 'threaded';
  if (/^(gevent|eventlet|tornado|gevent_wsgi|gevent_pywsgi)$/.test(v) || /^gunicorn\.workers\.(ggevent|geventlet|gtornado)\./.test(v)) return 'async';
  // A project class: a subclass of a Uvicorn worker is one (a documented way to pass options).
  const seen = new Set<string>();
  const walk = (name: string | null, depth: number): boolean => {
    const c = project.canonical(name);
    if (!c || seen.has(c) || depth > 6) return false;
    seen.add(c);
    if (UVICORN_WORKERS.includes(c)) return true;
    const cls = project.definition(c);
    return cls?.scope.kind === 'class' ? (cls.scope.bases ?? []).some((b) => walk(b, depth + 1)) : false;
  };
  if (walk(v, 0)) return 'uvicorn';
  return 'unknown';
}

/**
 * The worker class gunicorn actually runs: the configured one, except that the default `sync`
 * worker with more than one thread becomes `gthread` (gunicorn switches when `threads` > 1).
 */
export function effectiveWorkerKind(project: Project, settings: GunicornSettings): WorkerKind {
  const kind = workerKind(project, settings.workerClass.value);
  const threads = seconds(settings.threads.value);
  return kind === 'sync' && threads !== undefined && threads > 1 ? 'threaded' : kind;
}

/** The app target of a gunicorn invocation: the positional, or `wsgi_app` from config. */
export function gunicornTarget(project: Project, invocation: ServerInvocation, settings: GunicornSettings): AppTarget | undefined {
  const positional = invocation.positionals[0];
  const wsgi = settings.wsgiApp?.value;
  const text = positional ?? (wsgi && wsgi !== true && wsgi.known ? wsgi.value : undefined);
  if (!text) return undefined;
  const chdir = settings.chdir?.value;
  return resolveAppTarget(project, invocation, text, [chdir && chdir !== true && chdir.known ? chdir.value : undefined]);
}

/** The app target of a uvicorn or `fastapi run` invocation. */
export function asgiServerTarget(project: Project, invocation: ServerInvocation): AppTarget | undefined {
  if (invocation.program === 'uvicorn') {
    const text = invocation.positionals[0];
    if (!text) return undefined;
    const appDir = optionValue(invocation.options, 'app-dir')?.value;
    return resolveAppTarget(project, invocation, text, [appDir && appDir !== true && appDir.known ? appDir.value : undefined]);
  }
  return undefined;
}

/** Is the project's dependency list ASGI-only (an ASGI framework, no WSGI one)? */
export function dependenciesAreAsgiOnly(project: Project, near: string): { asgi: string; path: string; range: SourceRange } | undefined {
  let asgi: { asgi: string; path: string; range: SourceRange } | undefined;
  // The manifests of the directory the invocation is in and of its parents; all of them when none is.
  const dir = path.dirname(near);
  const enclosing = project.deployment.dependencies.filter((m) => {
    const rel = path.relative(path.dirname(m.path), dir);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  for (const manifest of enclosing.length > 0 ? enclosing : project.deployment.dependencies) {
    for (const name of manifest.names) {
      if (WSGI_FRAMEWORK_PACKAGES.includes(name)) return undefined;
      if (!asgi && ASGI_FRAMEWORK_PACKAGES.includes(name)) asgi = { asgi: name, path: manifest.path, range: manifest.ranges[name] ?? { line: 1, column: 1, endLine: 1, endColumn: 1 } };
    }
  }
  return asgi;
}

/** A development run: `--reload`, `fastapi dev`. */
export function isDevelopment(invocation: ServerInvocation, settings?: GunicornSettings): boolean {
  if (invocation.program === 'fastapi') return invocation.subcommand === 'dev' && optionValue(invocation.options, 'no-reload') === undefined;
  if (optionValue(invocation.options, 'reload') !== undefined) return true;
  const reload = settings?.reload?.value;
  return reload !== undefined && (reload === true || (reload.known && /^(true|1|yes)$/i.test(reload.value)));
}

/** `123`, `60.0` → seconds; anything else undefined. */
export function seconds(value: DeployValue | true | undefined): number | undefined {
  if (value === undefined || value === true || !value.known) return undefined;
  const n = Number(value.value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** A short description of where an invocation is: `Dockerfile:12`. */
export function describeLocation(location: SourceLocation, root: string): string {
  return `${path.relative(root, location.path).split(path.sep).join('/')}:${location.range.line}`;
}
