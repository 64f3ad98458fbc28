/**
 * Cross-file knowledge, computed once on the main thread from every module's facts: which module
 * a dotted name refers to, and what a qualified name *is* once project aliases, re-exports,
 * module-level objects, class attributes and library spellings are followed.
 *
 *   app.db.SessionLocal()        (a name imported from project module app.db, then called)
 *   → sqlalchemy.orm.sessionmaker()()   (app.db binds SessionLocal = sessionmaker(...))
 *   → sqlalchemy.orm.Session()          (library model)
 */

import path from 'node:path';
import { REQUEST_OBJECT } from '../read/python/assembly.js';
import type { DeploymentModel } from '../read/deploy/model.js';
import type { DeploymentFileKind } from '../read/discover.js';
import type { ArgumentFact, CallFact, ModuleFacts, QualifiedName, ScopeFact } from '../read/python/facts.js';
import { LIBRARY_ALIASES } from './library-model.js';

const MAX_REWRITES = 24;

/** Builtins that a star import from the standard library or a third-party package is assumed not to rebind. */
/** The token that names an unannotated parameter (see read/python/definitions.ts). */
const PARAMETER_TOKEN = '<param>';
/** A parameter type being worked out (see Project.parameterTypeOf). */
const PENDING = Symbol('pending');

/** Decorators that make a method read as an attribute: `repo.orders` is what the method returns. */
const PROPERTY_DECORATORS: ReadonlySet<string> = new Set(['builtins.property', 'functools.cached_property']);
const STAR_SAFE_BUILTINS = new Set(['open', 'input', 'print']);

/** `a.b().c[]` → ['a', 'b', '()', 'c', '[]'] */
export function tokenize(name: QualifiedName): string[] {
  const tokens: string[] = [];
  for (const part of name.split('.')) {
    const m = /^([^()[\]]*)((?:\(\)|\[\])*)$/.exec(part);
    if (!m) {
      tokens.push(part);
      continue;
    }
    if (m[1]) tokens.push(m[1]);
    for (const suffix of m[2].match(/\(\)|\[\]/g) ?? []) tokens.push(suffix);
  }
  return tokens;
}

/** In the memo of canonical token lists: the name is its own canonical form. */
const UNCHANGED: string[] = [];

/** `detokenize(tokens.slice(0, -1))` from `detokenize(tokens)` and the last token. */
function prefixKey(key: string, last: string): string {
  if (last === '()' || last === '[]') return key.slice(0, -2);
  return key.length === last.length ? '' : key.slice(0, key.length - last.length - 1);
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function detokenize(tokens: readonly string[]): QualifiedName {
  // Joined in one go: a flat string. Built with `+=`, a name of n tokens is a chain of n - 1
  // concatenation nodes, and the model keeps hundreds of thousands of names (keys of its caches).
  const parts: string[] = [];
  let length = 0;
  for (const t of tokens) {
    if (t !== '()' && t !== '[]' && length > 0) {
      parts.push('.');
      length++;
    }
    parts.push(t);
    length += t.length;
  }
  return parts.join('');
}

/** Why a name has the type it has: a function's returns, or a property's value. */
export interface TypeEvidence {
  by: ProjectFunction;
  /** The inferred type, an instance: `sqlalchemy.orm.Session()`. */
  type: QualifiedName;
  how: 'returns' | 'yields' | 'property' | 'parameter' | 'state';
  /** For `parameter`: its name. */
  parameter?: string;
}

/**
 * What a call passes for a parameter of the function it calls: by keyword, or by position
 * (`obj.method(a)` and `Class.method(a)` fill the parameters after `self`/`cls`); undefined when
 * it leaves the parameter out, `'unknown'` when `*args`/`**kwargs` could fill it.
 */
/** A test file: `test_*.py`, `*_test.py`, `conftest.py`, or a file under a `tests/` or `test/` folder of the project. */
function isTestFile(root: string, file: string): boolean {
  const parts = path.relative(root, file).split(path.sep);
  return /^test_.*\.py$|_test\.py$|^conftest\.py$/.test(parts[parts.length - 1]) || parts.slice(0, -1).some((d) => d === 'tests' || d === 'test');
}

export function argumentFor(fn: ScopeFact, call: CallFact, name: string): ArgumentFact | undefined | 'unknown' {
  if (call.arguments.some((a) => a.splat)) return 'unknown';
  const byKeyword = call.arguments.find((a) => a.keyword === name);
  if (byKeyword) return byKeyword;
  const bound = fn.parameters[0]?.name === 'self' || fn.parameters[0]?.name === 'cls' ? 1 : 0;
  const at = fn.parameters.findIndex((p) => p.name === name) - bound;
  return at < 0 ? undefined : call.arguments.filter((a) => !a.keyword)[at];
}

export interface ProjectFunction {
  module: ModuleFacts;
  scopeIndex: number;
  scope: ScopeFact;
}

/** A deployment or packaging file of the project, known by name; read by the rules that need it. */
export interface ProjectFile {
  path: string;
  kind: DeploymentFileKind;
}

export class Project {
  readonly modules: readonly ModuleFacts[];
  readonly deploymentFiles: readonly ProjectFile[];
  /** Server invocations, Dockerfile stages, nginx configuration, dependencies: read from the deployment files. */
  readonly deployment: DeploymentModel;
  /** The project root (the configuration's directory, or the detected project directory). */
  readonly root: string;
  /**
   * How a message names a file: as the finding's own path is printed (the runner makes it
   * relative to the current directory); relative to the project root by default.
   */
  readonly displayPath: (file: string) => string;
  private readonly byName = new Map<string, ModuleFacts>();
  private readonly bySuffix = new Map<string, ModuleFacts | null>();
  private readonly byRootAlias = new Map<string, ModuleFacts | null>();
  private readonly definitions = new Map<QualifiedName, ProjectFunction>();
  private readonly canonicalCache = new Map<QualifiedName, QualifiedName>();

  constructor(
    modules: readonly ModuleFacts[],
    deploymentFiles: readonly ProjectFile[] = [],
    deployment: DeploymentModel = { invocations: [], commands: [], fronts: [], dockerStages: [], services: [], nginx: [], dependencies: [], lambdaDescriptors: [], chaliceApps: [] },
    root = '/',
    /**
     * Directories that are import roots of their own (a Lambda function's code directory is the
     * root of its deployment package): modules below them are also known by the name relative to
     * the directory, unless two directories give the same name.
     */
    importRoots: readonly string[] = [],
    displayPath?: (file: string) => string,
    /** Directories named on the command line: where a file's place (`examples/`, `tests/`) is read from. */
    readonly namedDirectories: readonly string[] = [],
  ) {
    this.modules = modules;
    this.deploymentFiles = deploymentFiles;
    this.deployment = deployment;
    this.root = root;
    this.displayPath = displayPath ?? ((file) => path.relative(root, file).split(path.sep).join('/'));
    for (const m of modules) {
      if (!m.moduleName) continue;
      if (!this.byName.has(m.moduleName) || m.isPackage) this.byName.set(m.moduleName, m);
      const parts = m.moduleName.split('.');
      // Suffixes of two or more segments: their first segment is a project directory, so a
      // standard-library name such as `time` never resolves to a project file `utils/time.py`.
      for (let i = 1; i < parts.length - 1; i++) {
        const suffix = parts.slice(i).join('.');
        const seen = this.bySuffix.get(suffix);
        this.bySuffix.set(suffix, seen === undefined || seen === m ? m : null);
      }
      for (const dir of importRoots) {
        const rel = path.relative(dir, m.path);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const parts = rel.replace(/\.py$/, '').split(path.sep);
        if (parts[parts.length - 1] === '__init__') parts.pop();
        const alias = parts.join('.');
        if (!alias || alias === m.moduleName) continue;
        const seen = this.byRootAlias.get(alias);
        this.byRootAlias.set(alias, seen === undefined || seen === m ? m : null);
      }
      m.scopes.forEach((scope, scopeIndex) => {
        if (scope.kind === 'function' || scope.kind === 'class') {
          this.definitions.set(`${m.moduleName}.${scope.qualname}`, { module: m, scopeIndex, scope });
        }
      });
    }
  }

  /**
   * The project module with this dotted name; else the unique module whose name ends with it
   * (an app run from a subdirectory imports `app.x` for the file `services/api/app/x.py`).
   */
  module(name: string): ModuleFacts | undefined {
    return this.byName.get(name) ?? this.byRootAlias.get(name) ?? this.bySuffix.get(name) ?? undefined;
  }

  private readonly derivedValues = new Map<(project: Project) => unknown, unknown>();

  /**
   * Knowledge derived from the whole project (the application model, the call graph, Lambda
   * handlers), computed on first use and shared by every rule of the run.
   */
  derived<T>(build: (project: Project) => T): T {
    if (!this.derivedValues.has(build)) this.derivedValues.set(build, build(this));
    return this.derivedValues.get(build) as T;
  }

  /** The module read from this file, if any. */
  moduleAt(file: string): ModuleFacts | undefined {
    this.byPath ??= new Map(this.modules.map((m) => [m.path, m]));
    return this.byPath.get(file);
  }

  private byPath: Map<string, ModuleFacts> | undefined;

  /** A function or class defined in the project, by canonical qualified name. */
  definition(name: QualifiedName): ProjectFunction | undefined {
    return this.definitions.get(name);
  }

  /** Follows project bindings, class attributes and library aliases to a canonical name. */
  canonical(name: QualifiedName | null): QualifiedName | null {
    if (name === null) return null;
    const cached = this.canonicalCache.get(name);
    if (cached !== undefined) return cached;
    const spelled = detokenize(this.canonicalTokens(tokenize(name), 0));
    // Most names are their own canonical form: the cache then keeps the one string.
    const result = spelled === name ? name : spelled;
    this.canonicalCache.set(name, result);
    return result;
  }

  private readonly tokenCache = new Map<string, string[]>();
  private readonly inProgress = new Set<string>();

  /**
   * Canonical tokens, prefix by prefix: the canonical form of `a.b` is computed (and memoised)
   * once and shared by `a.b.c`, `a.b.d()`..., so a name costs time linear in its length. A prefix
   * that rewrites is rewritten until it is stable; cycles are cut.
   */
  private canonicalTokens(tokens: string[], depth: number, known?: string): string[] {
    const key = known ?? detokenize(tokens);
    const memo = this.tokenCache.get(key);
    if (memo) return memo === UNCHANGED ? tokens : memo;
    if (depth > MAX_REWRITES || this.inProgress.has(key)) return tokens;
    this.inProgress.add(key);
    try {
      // The text of each list is worked out once: `currentKey` is `detokenize(current)`, or
      // undefined until needed. When the prefix stays as it was, `current` spells `key`.
      let current = tokens;
      let currentKey: string | undefined = key;
      if (tokens.length > 1) {
        const last = tokens[tokens.length - 1];
        const prefix = tokens.slice(0, -1);
        const canonicalPrefix = this.canonicalTokens(prefix, depth + 1, prefixKey(key, last));
        current = [...canonicalPrefix, last];
        if (!sameTokens(canonicalPrefix, prefix)) currentKey = undefined;
      }
      for (let round = 0; round < MAX_REWRITES; round++) {
        const replacement = this.rewritePrefix(current, currentKey);
        if (!replacement) break;
        const next = this.canonicalTokens(replacement, depth + 1);
        const nextKey = detokenize(next);
        if (nextKey === (currentKey ??= detokenize(current))) break;
        current = next;
        currentKey = nextKey;
      }
      // Most names are their own canonical form: the memo then keeps a marker, not a copy of the list.
      this.tokenCache.set(key, sameTokens(current, tokens) ? UNCHANGED : current);
      return current;
    } finally {
      this.inProgress.delete(key);
    }
  }

  /** Rewrites of a prefix, by its text: names share prefixes (`self.repo`, `app.db`), so each is worked out once. */
  private readonly prefixCache = new Map<string, string[] | null>();

  private rewritePrefix(prefix: string[], known?: string): string[] | null {
    const joined = known ?? detokenize(prefix);
    const cached = this.prefixCache.get(joined);
    if (cached !== undefined) return cached;
    const result = this.rewritePrefixUncached(prefix, joined);
    this.prefixCache.set(joined, result);
    return result;
  }

  private rewritePrefixUncached(prefix: string[], joined: string): string[] | null {
    const alias = LIBRARY_ALIASES[joined];
    if (alias !== undefined) return tokenize(alias);
    const state = /^(.*)\.state\.(\w+)$/.exec(joined);
    if (state && REQUEST_OBJECT.test(state[1])) {
      const set = this.requestState().get(state[2]);
      if (set) {
        this.inferred.set(joined, { by: set.by, type: set.type, how: 'state', parameter: `request.state.${state[2]}` });
        return tokenize(set.type);
      }
    }
    const last = prefix[prefix.length - 1];
    if (last === '()' && prefix.length >= 2) return this.returnedBy(prefix.slice(0, -1));
    if (last === '[]' || prefix.length < 2) return null;
    const before = prefix.slice(0, -1);
    // A name bound at module level in a project module. A name that is itself a module of the
    // project stays: `rag.svr.x` is not rewritten through a test package that `rag.svr` also resolves to.
    if (before[before.length - 1] !== '()' && before[before.length - 1] !== '[]' && !this.byName.has(joined)) {
      const module = this.module(detokenize(before));
      if (module) {
        const bound = module.symbols[last];
        const own = `${module.moduleName}.${last}`;
        if (bound !== undefined && bound !== joined && bound !== own) return tokenize(bound);
        if (module.moduleName !== detokenize(before)) return tokenize(own);
        if (bound === undefined && module.hasStarImport && !module.moduleNames.includes(last)) {
          const star = this.starBinding(module, last, new Set());
          if (star) return tokenize(star);
        }
      }
    }
    // An attribute of an instance of a project class: its type, a property's value, or the method (own or inherited).
    const instance = before[before.length - 1] === '()';
    const cls = this.definitions.get(detokenize(instance ? before.slice(0, -1) : before));
    if (cls && cls.scope.kind === 'class') {
      const t = instance ? this.instanceMember(cls, last) : this.classMember(cls, last, new Set());
      if (t && t !== joined) return tokenize(t);
    }
    return null;
  }

  /** What calling a project function gives: its `returns` (annotation or the value of its returns). */
  private returnedBy(callee: string[]): string[] | null {
    const fn = this.definitions.get(detokenize(callee));
    if (fn?.scope.kind !== 'function') return null;
    const type = fn.scope.returns ?? (fn.scope.returnsOneOf ? this.commonBase(fn.scope.returnsOneOf) : null);
    if (!type) return null;
    this.inferred.set(`${detokenize(callee)}()`, { by: fn, type, how: fn.scope.generator ? 'yields' : 'returns' });
    return tokenize(type);
  }

  /**
   * The nearest project class that every one of these instances is (`PostgresStore()`, `S3Store()`
   * → `FileStore()`), or null: what a factory returns, for calls the subclasses override.
   */
  private commonBase(instances: QualifiedName[]): QualifiedName | null {
    const ancestry = (instance: QualifiedName): string[] => {
      const out: string[] = [];
      const queue = [this.canonical(instance.slice(0, -2))];
      for (let i = 0; i < queue.length && out.length < 32; i++) {
        const name = queue[i];
        const def = name ? this.definitions.get(name) : undefined;
        if (!name || def?.scope.kind !== 'class' || out.includes(name)) continue;
        out.push(name);
        for (const base of def.scope.bases ?? []) queue.push(this.canonical(base.replace(/(?:\[\])+$/, '')));
      }
      return out;
    };
    const [first, ...rest] = instances.map(ancestry);
    const shared = rest.reduce((acc, a) => acc.filter((c) => a.includes(c)), first ?? []);
    return shared.length > 0 ? `${shared[0]}()` : null;
  }

  private callsByLastName: Map<string, CallFact[]> | undefined;
  private indexingCalls = false;

  /**
   * The project's calls of a project function, by canonical name: the calls whose callee ends in
   * the function's name (an index by that last name, built once, without resolving anything),
   * then resolved one by one. Calls on a parameter are left out (typing them needs this).
   */
  callsOf(fnName: QualifiedName): CallFact[] {
    if (!this.callsByLastName) {
      const index = new Map<string, CallFact[]>();
      for (const module of this.modules) {
        const inTests = isTestFile(this.root, module.path);
        for (const call of module.calls) {
          if (inTests) this.testCalls.add(call);
          if (!call.callee || call.callee.includes(PARAMETER_TOKEN)) continue;
          const last = call.callee.slice(call.callee.lastIndexOf('.') + 1);
          (index.get(last) ?? index.set(last, []).get(last)!).push(call);
        }
      }
      this.callsByLastName = index;
    }
    const last = fnName.slice(fnName.lastIndexOf('.') + 1);
    let resolved = this.callsByName.get(last);
    if (!resolved) {
      // Every call ending in this name, resolved once and grouped by what it calls.
      resolved = new Map();
      this.indexingCalls = true;
      try {
        for (const call of this.callsByLastName.get(last) ?? []) {
          const callee = this.canonical(call.callee);
          if (callee) (resolved.get(callee) ?? resolved.set(callee, []).get(callee)!).push(call);
        }
      } finally {
        this.indexingCalls = false;
      }
      this.callsByName.set(last, resolved);
    }
    return resolved.get(fnName) ?? [];
  }

  private readonly callsByName = new Map<string, Map<QualifiedName, CallFact[]>>();

  /**
   * `name` with its unannotated parameter typed from the calls its function gets (see
   * parameterType), canonical; null when it names no parameter or the calls say nothing. Asked
   * only where a rule needs it (typing every parameter of a large project would resolve every call).
   */
  withParameterTypes(name: QualifiedName | null): QualifiedName | null {
    const canonical = this.canonical(name);
    if (!canonical?.includes(PARAMETER_TOKEN)) return null;
    const tokens = tokenize(canonical);
    const at = tokens.indexOf(PARAMETER_TOKEN);
    if (at < 1 || at + 1 >= tokens.length) return null;
    const type = this.parameterType(tokens.slice(0, at), tokens[at + 1]);
    return type ? this.canonical(detokenize([...type, ...tokens.slice(at + 2)])) : null;
  }

  /**
   * An unannotated parameter's type, from the calls the project makes to its function: the type
   * every call passes for it (`fetch_keys(db.session, org)` everywhere: a `Session`), ignoring
   * calls that pass `None` or leave it out; null when calls disagree, pass `*args`, or none is seen.
   */
  private parameterType(fnTokens: string[], name: string): string[] | null {
    const found = this.parameterTypeOf(detokenize(fnTokens), name);
    return found === PENDING || found === null ? null : tokenize(found);
  }

  /** The calls made in test files (`test_*.py`, `conftest.py`, under `tests/`), filled with the call index. */
  private readonly testCalls = new Set<CallFact>();

  /** Parameter types worked out, by `function\nparameter`; PENDING while being worked out (a cycle of calls). */
  private readonly parameterTypes = new Map<string, QualifiedName | null | typeof PENDING>();

  /**
   * The type every call passes for the parameter. An argument that is itself a parameter of the
   * calling function (`session` handed down a chain of helpers) has the type its own callers
   * pass; one that is being worked out (calls that go round in a cycle) says nothing either way.
   */
  private parameterTypeOf(fnName: string, name: string): QualifiedName | null | typeof PENDING {
    const key = `${fnName}\n${name}`;
    const known = this.parameterTypes.get(key);
    if (known !== undefined) return known;
    const fn = this.definitions.get(fnName);
    if (fn?.scope.kind !== 'function' || this.indexingCalls) return null;
    if (!fn.scope.parameters.some((p) => p.name === name)) return null;
    this.parameterTypes.set(key, PENDING);
    let agreed: string | null = null;
    let disagreed = false;
    let skipped = false;
    for (const call of this.callsOf(fnName)) {
      // What a test passes is a mock or a fixture, not evidence of what the code is given.
      if (this.testCalls.has(call)) continue;
      const arg = argumentFor(fn.scope, call, name);
      if (arg === 'unknown') {
        disagreed = true;
        break;
      }
      if (!arg || arg.value.kind === 'none') continue;
      let type = arg.value.kind === 'ref' || arg.value.kind === 'call' ? this.canonical(arg.value.name) : null;
      const handed = type ? tokenize(type) : [];
      const at = handed.indexOf(PARAMETER_TOKEN);
      if (at >= 1 && at + 2 === handed.length) {
        const passed = this.parameterTypeOf(detokenize(handed.slice(0, at)), handed[at + 1]);
        if (passed === PENDING) {
          skipped = true;
          continue;
        }
        type = passed;
      }
      if (!type || !type.endsWith('()') || (agreed !== null && type !== agreed)) {
        disagreed = true;
        break;
      }
      agreed = type;
    }
    // Only arguments still being worked out: nothing known yet, for this cycle to settle later.
    if (!disagreed && agreed === null && skipped) {
      this.parameterTypes.delete(key);
      return PENDING;
    }
    const result = disagreed ? null : agreed;
    this.parameterTypes.set(key, result);
    if (result) this.inferred.set(`${fnName}.${PARAMETER_TOKEN}.${name}`, { by: fn, type: result, how: 'parameter', parameter: name });
    return result;
  }

  private requestStateTypes: Map<string, { type: QualifiedName; by: ProjectFunction } | null> | undefined;

  /**
   * The `request.state` attributes the project sets (in middleware or dependencies) to one object
   * type everywhere: `request.state.db` is a `Session` when every assignment makes one.
   */
  private requestState(): Map<string, { type: QualifiedName; by: ProjectFunction } | null> {
    if (!this.requestStateTypes) {
      const out = new Map<string, { type: QualifiedName; by: ProjectFunction } | null>();
      for (const module of this.modules) {
        for (const a of module.requestState ?? []) {
          const type = this.canonical(a.type) ?? a.type;
          const seen = out.get(a.attribute);
          if (seen === null || (seen && seen.type !== type)) {
            out.set(a.attribute, null);
            continue;
          }
          if (seen) continue;
          const scopeIndex = module.scopes.reduce((best, s, i) => (s.kind === 'function' && s.range.line <= a.range.line && a.range.line <= s.range.endLine ? i : best), 0);
          out.set(a.attribute, { type, by: { module, scopeIndex, scope: module.scopes[scopeIndex] } });
        }
      }
      this.requestStateTypes = out;
    }
    return this.requestStateTypes;
  }

  /** Types the project inferred from a function's returns or a property, by the name they replaced. */
  private readonly inferred = new Map<QualifiedName, TypeEvidence>();

  /**
   * The inferred types a name went through on its way to its canonical form: `repos.orders` is
   * what the `orders` property returns, `get_session()` what `get_session` returns. For messages
   * that must say why a call is believed to block.
   */
  typeEvidence(name: QualifiedName | null): TypeEvidence[] {
    if (name === null) return [];
    this.canonical(name);
    const tokens = tokenize(name);
    const out: TypeEvidence[] = [];
    for (let i = 1; i < tokens.length; i++) {
      const step = detokenize([...this.canonicalTokens(tokens.slice(0, i), 0), tokens[i]]);
      const found = this.inferred.get(step);
      if (found && !out.includes(found)) out.push(found);
    }
    return out;
  }

  /** `obj.attr` on an instance: a `@property` (or `cached_property`) reads as the value it returns. */
  private instanceMember(cls: ProjectFunction, attr: string): QualifiedName | null {
    const member = this.classMember(cls, attr, new Set());
    const def = member ? this.definitions.get(member) : undefined;
    if (def?.scope.kind === 'function' && def.scope.decorators.some((d) => PROPERTY_DECORATORS.has(d.name ?? ''))) {
      if (def.scope.returns) this.inferred.set(`${cls.module.moduleName}.${cls.scope.qualname}().${attr}`, { by: def, type: def.scope.returns, how: 'property' });
      return def.scope.returns ?? null;
    }
    return member;
  }

  /**
   * What a name that `module` never binds itself refers to when the module has star imports: the
   * last project module star-imported that exports it (its `__all__`, else its public names,
   * star imports included), else — stdlib and third-party star imports are assumed not to rebind
   * them — the builtin `open`, `input` or `print`. Null when it cannot be known (another name
   * behind a third-party star import).
   */
  private starBinding(module: ModuleFacts, name: string, seen: Set<ModuleFacts>): QualifiedName | null {
    const stars = module.imports.filter((i) => i.star && i.scope === 0);
    for (let i = stars.length - 1; i >= 0; i--) {
      const source = this.module(stars[i].module);
      if (!source) {
        if (!STAR_SAFE_BUILTINS.has(name)) return null;
      } else if (source !== module && this.exports(source, name, seen)) {
        return `${source.moduleName}.${name}`;
      }
    }
    return `builtins.${name}`;
  }

  /** Does `from module import *` bind `name`? */
  private exports(module: ModuleFacts, name: string, seen: Set<ModuleFacts>): boolean {
    if (module.declaredAll) return module.declaredAll.includes(name);
    if (name.startsWith('_')) return false;
    if (module.moduleNames.includes(name)) return true;
    if (seen.has(module)) return false;
    seen.add(module);
    for (const i of module.imports) {
      if (!i.star || i.scope !== 0) continue;
      const source = this.module(i.module);
      if (source && this.exports(source, name, seen)) return true;
    }
    return false;
  }

  private classMember(cls: ProjectFunction, attr: string, seen: Set<ProjectFunction>): QualifiedName | null {
    if (seen.has(cls)) return null;
    seen.add(cls);
    const own = cls.scope.attributes?.[attr];
    if (own) return own;
    if (cls.scope.methods?.includes(attr)) return `${cls.module.moduleName}.${cls.scope.qualname}.${attr}`;
    for (const base of cls.scope.bases ?? []) {
      const b = this.canonical(base);
      const baseClass = b ? this.definitions.get(b) : undefined;
      if (baseClass && baseClass.scope.kind === 'class') {
        const t = this.classMember(baseClass, attr, seen);
        if (t) return t;
      }
    }
    return null;
  }
}
