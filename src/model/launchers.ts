/**
 * Launchers and what runs them, for the production view (model/production.ts): what a file's path
 * says it is for (a test, an example, a stale or vendored launcher), the parts of a project judged
 * apart (a collection of independent samples), and the following of the commands a shipping
 * deployment file runs — through start scripts, `python -m module` / `python file.py` (a module's
 * `__main__` code and what it calls) and console scripts — into the Python they reach.
 */

import path from 'node:path';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import { contextPathsOf } from '../read/deploy/installs.js';
import type { DeployCommand, FrontEvidence, ServerInvocation, SourceLocation } from '../read/deploy/model.js';
import type { Project } from './project.js';

/** A way the project starts an application server, and whether (and why) production runs it. */
export interface ServerLaunch {
  /** A server command in a deployment file. */
  invocation?: ServerInvocation;
  /** A `uvicorn.run(...)` / `uvicorn.Config(...)` call. */
  python?: { module: ModuleFacts; call: CallFact };
  location: SourceLocation;
  production: boolean;
  /** Why it is (or is not) production, as a message can say it: `run by Dockerfile:12`. */
  reason: string;
  /** The deployment file that runs it, when one does. */
  root?: SourceLocation;
  /** Runs inside AWS Lambda: how (`behind the Lambda Web Adapter`). */
  lambda?: string;
  /** The app's entry loads a model: what shows it (`imports torch`). */
  modelServer?: string;
  /** What the project shows in front of it (a proxy, a load balancer, a platform), nearest first. */
  front?: FrontEvidence;
}

// ---------------------------------------------------------------------------------------------
// Paths that say what a file is for

export type PathPurpose = 'test' | 'example' | 'mock' | 'development' | 'stale' | 'vendored';

const FOLDER_PURPOSE: Record<string, PathPurpose> = {
  test: 'test', tests: 'test', testing: 'test', e2e: 'test', __tests__: 'test', spec: 'test', specs: 'test', 'integration_tests': 'test', 'integration-tests': 'test',
  examples: 'example', example: 'example', samples: 'example', sample: 'example', demo: 'example', demos: 'example', tutorial: 'example', tutorials: 'example',
  docs: 'example', doc: 'example', notebooks: 'example', cookbook: 'example', playground: 'example', sandbox: 'example',
  benchmark: 'example', benchmarks: 'example', bench: 'example', loadtest: 'example', loadtests: 'example', locust: 'example', perf: 'example',
  mock: 'mock', mocks: 'mock', fake: 'mock', fakes: 'mock', stub: 'mock', stubs: 'mock', fixtures: 'mock',
  dev: 'development', devcontainer: 'development', local: 'development', preview: 'development',
  legacy: 'stale', old: 'stale', stale: 'stale', deprecated: 'stale', archive: 'stale', archived: 'stale', obsolete: 'stale', attic: 'stale', unused: 'stale',
  thirdparty: 'vendored', third_party: 'vendored', 'third-party': 'vendored', vendor: 'vendored', vendored: 'vendored', external: 'vendored', 'site-packages': 'vendored',
};

/** Words that say it within a longer folder name (others, such as `external` or `docs`, only as the whole name). */
const FOLDER_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'mock', 'mocks', 'dev', 'preview', 'legacy', 'stale', 'deprecated', 'obsolete', 'thirdparty']);

/** Words of a file name that say the same (`docker-compose.dev.yml`, `Dockerfile.test`, `server_stale.py`). */
const NAME_PURPOSE: Record<string, PathPurpose> = {
  test: 'test', tests: 'test', testing: 'test', ci: 'test', e2e: 'test', conftest: 'test',
  example: 'example', demo: 'example', sample: 'example', benchmark: 'example', bench: 'example', loadtest: 'example',
  mock: 'mock', fake: 'mock', stub: 'mock',
  dev: 'development', develop: 'development', development: 'development', local: 'development', debug: 'development', override: 'development', preview: 'development',
  stale: 'stale', old: 'stale', legacy: 'stale', deprecated: 'stale', obsolete: 'stale', bak: 'stale', backup: 'stale', unused: 'stale',
};

export const PURPOSE_TEXT: Record<PathPurpose, string> = {
  test: 'a test launcher',
  example: 'an example, benchmark or documentation launcher',
  mock: 'a mock service',
  development: 'a development launcher',
  stale: 'a stale launcher',
  vendored: 'vendored third-party code',
};

/** What a file's path says it is for (relative to the project root), or undefined for ordinary files. */
export function pathPurpose(root: string, file: string): { purpose: PathPurpose; word: string } | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === '..') return undefined;
  const folders = rel.slice(0, -1);
  for (const folder of folders) {
    const lower = folder.toLowerCase().replace(/^\./, '');
    if (FOLDER_PURPOSE[lower]) return { purpose: FOLDER_PURPOSE[lower], word: `${folder}/` };
    // A word of the folder's name: `mock_llm/`, `integration-tests/`, `dev-node/`, `legacy_api/`.
    for (const token of lower.split(/[-_.]/)) {
      if (FOLDER_WORDS.has(token)) return { purpose: FOLDER_PURPOSE[token], word: `${folder}/` };
    }
  }
  const name = rel[rel.length - 1].toLowerCase();
  if (/^test_.*\.py$|_test\.py$|^conftest\.py$/.test(name)) return { purpose: 'test', word: rel[rel.length - 1] };
  const stem = name.replace(/\.(py|ya?ml|sh|conf|service|json|toml)$/, '');
  for (const token of stem.split(/[-_.]/)) {
    if (NAME_PURPOSE[token]) return { purpose: NAME_PURPOSE[token], word: rel[rel.length - 1] };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Units: a repository of many independent samples is judged sample by sample

/**
 * The part of the project a file belongs to: the whole project, unless the project is a collection
 * of independent samples (its root holds no deployment file or module of its own, and many of its
 * top-level folders have deployment files): then the top-level folder the file is in.
 */
export function unitOf(project: Project, collection: boolean, file: string): string {
  if (!collection) return project.root;
  const first = path.relative(project.root, file).split(path.sep)[0];
  return first && first !== '..' ? path.join(project.root, first) : project.root;
}

/** Folders of independent samples, each with its own deployment files, and nothing at the root. */
const COLLECTION_FOLDERS = 20;

export function isCollection(project: Project): boolean {
  if (project.deploymentFiles.some((f) => path.dirname(f.path) === project.root) || project.modules.some((m) => path.dirname(m.path) === project.root)) return false;
  const folders = new Set(project.deploymentFiles.map((f) => path.relative(project.root, f.path).split(path.sep)[0]));
  return folders.size >= COLLECTION_FOLDERS;
}

export function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------------
// Following deployment commands into the project

/** What the production view accumulates while it follows the shipping deployment files. */
export interface Builder {
  project: Project;
  collection: boolean;
  deploymentFiles: Set<string>;
  /** Scripts already followed (by path) → the root that runs them. */
  scripts: Map<string, SourceLocation>;
  /** Python scopes reached from a root: `module path#scope` → the root. */
  reached: Map<string, SourceLocation>;
  /** Dockerfiles that build Lambda images or carry the Web Adapter (path → how). */
  lambdaDockerfiles: Map<string, string>;
  /** Scripts and modules run from a Lambda image: they run in Lambda too. */
  inLambda: Map<string, string>;
}

/** What a command runs: a file (script or Python), a module (`python -m`), or a console script's name. */
function commandTarget(words: readonly string[]): { file?: string; module?: string; name?: string } | undefined {
  const head = path.posix.basename(words[0] ?? '');
  if (/^(python|pypy)(\d+(\.\d+)*)?$/.test(head)) {
    const m = words.indexOf('-m');
    if (m >= 0 && words[m + 1]) return { module: words[m + 1] };
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    return file ? { file } : undefined;
  }
  if (/^(sh|bash|dash|ash|zsh)$/.test(head)) {
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    return file ? { file } : undefined;
  }
  const word = words[0] ?? '';
  if (word.includes('/') || /\.(sh|py|bash)$/.test(word)) return { file: word };
  if (/^[A-Za-z0-9][\w.-]*$/.test(word)) return { name: word, file: word };
  return undefined;
}

/** Follows a command a shipping file runs (transitively through scripts) and records what it reaches. */
export function follow(b: Builder, command: DeployCommand, root: SourceLocation, depth: number): void {
  if (depth > 6) return;
  const { project } = b;
  const target = commandTarget(command.words);
  if (!target) return;
  const lambdaDockerfile = command.source === 'dockerfile' ? b.lambdaDockerfiles.get(command.location.path) : undefined;
  const files = target.file ? resolveFile(b, command, target.file) : [];
  for (const file of files) {
    const module = project.moduleAt(file);
    if (module) {
      if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
      reachModule(b, module, root);
      continue;
    }
    if (b.scripts.has(file)) continue;
    b.scripts.set(file, root);
    if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
    for (const inner of project.deployment.commands) {
      if (inner.location.path !== file) continue;
      if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
      follow(b, { ...inner, source: command.source, location: inner.location }, root, depth + 1);
    }
  }
  if (target.module) {
    const module = resolveModule(b, command, target.module);
    if (module) {
      if (lambdaDockerfile) b.inLambda.set(module.path, lambdaDockerfile);
      reachModule(b, module, root);
    }
  }
  if (target.name && files.length === 0) {
    for (const manifest of project.deployment.dependencies) {
      const script = manifest.scripts?.[target.name];
      if (script) reachSpec(b, script.target, root);
    }
  }
}

/** A path a command names → project files (Python modules or deployment files). */
function resolveFile(b: Builder, command: DeployCommand, written: string): string[] {
  const { project } = b;
  const exists = (f: string): boolean => project.moduleAt(f) !== undefined || b.deploymentFiles.has(f);
  if (written.includes('$')) return [];
  const found = new Set<string>();
  const commandDir = path.dirname(command.location.path);
  const wd = command.workingDirectory;
  if (command.source === 'dockerfile') {
    const stage = project.deployment.dockerStages.find((s) => s.path === command.location.path && s.isFinal);
    const absolute = path.posix.resolve('/', wd ?? '/', written);
    for (const rel of contextPathsOf(absolute, stage?.copies ?? [])) {
      for (const context of buildContexts(project, command.location.path)) {
        const f = path.join(context, rel);
        if (exists(f)) found.add(f);
      }
    }
    if (found.size > 0) return [...found];
  }
  if (!path.posix.isAbsolute(written)) {
    const bases = [commandDir, command.projectDirectory, wd && !path.posix.isAbsolute(wd) ? path.join(command.projectDirectory ?? commandDir, wd) : undefined, project.root];
    for (const base of bases) {
      if (!base) continue;
      const f = path.join(base, written);
      if (exists(f)) found.add(f);
    }
    if (found.size > 0) return [...found];
    if (!written.includes('/')) return [];
  }
  // A container path (`/opt/app/server/main.py`): the longest tail of it that names one project file.
  const parts = written.split('/').filter((p) => p && p !== '.');
  const unit = unitOf(project, b.collection, command.location.path);
  const candidates = [...b.deploymentFiles, ...project.modules.map((m) => m.path)].filter((f) => within(unit, f));
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join(path.sep);
    if (parts.length - i < 2 && i > 0) break;
    const matches = candidates.filter((f) => f === path.join(project.root, tail) || f.endsWith(`${path.sep}${tail}`));
    if (matches.length === 1) return matches;
    if (matches.length > 1) return [];
  }
  return [];
}

/** The directories a Dockerfile may be built from: its own, compose build contexts, and the folders above it. */
function buildContexts(project: Project, dockerfile: string): string[] {
  const out = [path.dirname(dockerfile)];
  for (const s of project.deployment.services) if (s.dockerfile === dockerfile && s.buildContext) out.push(s.buildContext);
  for (let dir = path.dirname(path.dirname(dockerfile)); within(project.root, dir); dir = path.dirname(dir)) {
    out.push(dir);
    if (dir === project.root) break;
  }
  return [...new Set(out)];
}

/** `python -m name` → the module it runs (a package runs its `__main__`). */
function resolveModule(b: Builder, command: DeployCommand, name: string): ModuleFacts | undefined {
  const { project } = b;
  const rel = name.split('.').join(path.sep);
  const bases = [command.projectDirectory, path.dirname(command.location.path), ...(command.source === 'dockerfile' ? buildContexts(project, command.location.path) : []), project.root];
  for (const base of bases) {
    if (!base) continue;
    const m = project.moduleAt(path.join(base, `${rel}.py`)) ?? project.moduleAt(path.join(base, rel, '__main__.py'));
    if (m) return m;
  }
  return project.module(`${name}.__main__`) ?? project.module(name);
}

/** A console script's `module:function` → reach the function (and its module's other functions: a CLI group dispatches to them). */
function reachSpec(b: Builder, spec: string, root: SourceLocation): void {
  const [moduleName, attribute = ''] = spec.split(':');
  const canonical = b.project.canonical(`${moduleName}.${attribute.split('.')[0]}`);
  const def = canonical ? b.project.definition(canonical) : undefined;
  const module = def?.module ?? b.project.module(moduleName);
  if (!module) return;
  reachFunctions(b, module, [0, ...module.scopes.map((s, i) => (s.kind === 'function' ? i : -1)).filter((i) => i > 0)], root, false);
}

/** A module run as `__main__`: its module-level code (the main guard included) and what it calls. */
function reachModule(b: Builder, module: ModuleFacts, root: SourceLocation): void {
  reachFunctions(b, module, [0], root, true);
}

const MAX_REACHED = 4000;

/**
 * Marks scopes as run from a root, following calls (and functions passed as arguments) into project
 * functions. `asMain`: the module's own code runs as `__main__` (its main guard runs).
 */
function reachFunctions(b: Builder, module: ModuleFacts, scopes: number[], root: SourceLocation, asMain: boolean): void {
  const { project } = b;
  const queue: [ModuleFacts, number][] = scopes.map((s) => [module, s]);
  while (queue.length > 0 && b.reached.size < MAX_REACHED) {
    const [m, scope] = queue.shift()!;
    const main = scope === 0 && m === module && asMain;
    const key = `${m.path}#${main ? 'main' : scope}`;
    if (b.reached.has(key)) continue;
    b.reached.set(key, root);
    for (const call of m.calls) {
      if (!runsWithin(m, call.scope, scope) || (scope === 0 && call.inMainGuard && !main)) continue;
      const names = [call.callee, ...call.arguments.map((a) => (a.value.kind === 'ref' ? a.value.name : null))];
      for (const name of names) {
        const canonical = project.canonical(name);
        const def = canonical ? project.definition(canonical.replace(/\(\)$/, '')) : undefined;
        if (def && def.scope.kind === 'function') queue.push([def.module, def.scopeIndex]);
        else if (def && def.scope.kind === 'class') {
          const init = def.module.scopes.findIndex((s) => s.parent === def.scopeIndex && s.kind === 'function' && s.name === '__init__');
          if (init >= 0) queue.push([def.module, init]);
        }
      }
    }
  }
}

/** Code of scope `scope` runs when `owner` runs: the scope is the owner, or nested in it (closures are called where they are defined). */
function runsWithin(module: ModuleFacts, scope: number, owner: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    if (s === owner) return true;
    // Module-level code runs with the module; a class body too.
    if (owner === 0 && module.scopes[s].kind === 'function') return false;
  }
  return false;
}

/**
 * The root whose code reaches a call in this scope, if any: a reached function runs every scope
 * nested in it; reached module-level code runs the calls at module level — those in the
 * `if __name__ == "__main__":` block only when the module itself is run.
 */
export function reachedRoot(b: Builder, module: ModuleFacts, scope: number, inMainGuard: boolean): SourceLocation | undefined {
  let inFunction = false;
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    if (s === 0) return inFunction ? undefined : (b.reached.get(`${module.path}#main`) ?? (inMainGuard ? undefined : b.reached.get(`${module.path}#0`)));
    const root = b.reached.get(`${module.path}#${s}`);
    if (root) return root;
    if (module.scopes[s].kind === 'function' || module.scopes[s].kind === 'lambda') inFunction = true;
  }
  return undefined;
}

export interface ConsoleScript {
  name: string;
  location: SourceLocation;
  reached: Map<string, SourceLocation>;
}

/** The project's console scripts, each with the Python scopes it reaches. */
export function consoleScripts(b: Builder): ConsoleScript[] {
  const out: ConsoleScript[] = [];
  for (const manifest of b.project.deployment.dependencies) {
    for (const [name, script] of Object.entries(manifest.scripts ?? {})) {
      const location = { path: manifest.path, range: { line: script.line, column: 1, endLine: script.line, endColumn: 1 + name.length } };
      const sub: Builder = { ...b, reached: new Map() };
      reachSpec(sub, script.target, location);
      out.push({ name, location, reached: sub.reached });
    }
  }
  return out;
}

export function reachedBy(b: Builder, scripts: ConsoleScript[], module: ModuleFacts, call: CallFact): ConsoleScript | undefined {
  return scripts.find((script) => reachedRoot({ ...b, reached: script.reached }, module, call.scope, call.inMainGuard === true) !== undefined);
}
