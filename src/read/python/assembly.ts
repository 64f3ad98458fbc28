/**
 * The final assembly of ModuleFacts from the walk's records: callees, arguments, decorators,
 * parameters, class members, module symbols and assignments resolved to qualified names.
 * The order of the resolutions is kept as it is: resolution is memoised and cuts cycles, so the
 * order can decide a name in a cyclic module.
 */

import type { Node } from 'web-tree-sitter';
import type { ArgumentFact, CallFact, ModuleFacts, ParameterFact, QualifiedName, ScopeFact } from './facts.js';
import type { SourceRange } from '../../core/diagnostics.js';
import type { ExtractionState, RawCall, ScopeBuild } from './extract-state.js';
import { moduleHeader } from './module-header.js';
import { importedNameUsesOf } from './name-uses.js';
import { Resolver } from './resolution.js';

export function assembleModuleFacts(x: ExtractionState, root: Node): ModuleFacts {
  const resolver = new Resolver(x);
  const calls = x.calls.map((raw) => callFact(resolver, raw));
  const scopes = x.scopes.map((s, index) => scopeFact(resolver, s, index));
  const symbols: Record<string, QualifiedName> = {};
  for (const [name, bindings] of x.scopes[0].bindings) {
    const v = resolver.choose(bindings, null);
    if (v !== null) symbols[name] = v;
  }
  const importedNameUses = importedNameUsesOf(root, x.imports, x.futureAnnotations, x.options.source);
  return {
    path: x.options.path,
    moduleName: x.options.moduleName,
    isPackage: x.options.isPackage,
    scopes,
    imports: x.imports,
    calls,
    symbols,
    importedNameUses,
    assignments: x.assignments.map((a) => ({ name: a.name, value: resolver.valueFact(a.expr, a.text), range: a.range, valueRange: a.valueRange })),
    ...requestState(resolver, x),
    suppressions: x.suppressions,
    ...(x.tooDeep ? { tooDeep: true } : {}),
    futureAnnotations: x.futureAnnotations,
    hasStarImport: x.hasStarImport,
    moduleNames: [...x.scopes[0].bindings.keys()],
    ...(Array.isArray(x.declaredAll) ? { declaredAll: x.declaredAll } : {}),
    header: moduleHeader(root),
    lineCount: root.endPosition.row + 1,
    syntaxErrors: x.syntaxErrors,
  };
}

function callFact(resolver: Resolver, raw: RawCall): CallFact {
  const fact = raw.fact;
  fact.callee = resolver.resolve(raw.callee);
  fact.arguments = raw.args.map((a): ArgumentFact => {
    const arg: ArgumentFact = { value: resolver.valueFact(a.expr, a.text) };
    if (a.keyword) arg.keyword = a.keyword;
    if (a.splat) arg.splat = a.splat;
    return arg;
  });
  return fact;
}

function scopeFact(resolver: Resolver, s: ScopeBuild, index: number): ScopeFact {
  const decorators = s.rawDecorators.map((d) => ({ name: resolver.resolve(d.expr), text: d.text, range: d.range }));
  const parameters = s.rawParams.map((p) => {
    const param: ParameterFact = { name: p.name, hasDefault: p.hasDefault };
    if (p.falsyDefault) param.falsyDefault = true;
    const t = p.annotation ? resolver.instanceOf(p.annotation) : null;
    if (t) param.type = t;
    const d = p.depends ? resolver.resolve(p.depends) : null;
    if (d) param.dependsOn = d;
    return param;
  });
  const fact: ScopeFact = {
    kind: s.kind,
    name: s.name,
    qualname: s.qualname,
    parent: s.parent,
    isAsync: s.isAsync,
    loopFunction: s.loopFunction,
    range: s.range,
    decorators,
    parameters,
  };
  if (s.nameRange) fact.nameRange = s.nameRange;
  if (s.bodyStart) fact.bodyStart = s.bodyStart;
  if (s.globals.size > 0) fact.globals = [...s.globals];
  if (s.generator) fact.generator = true;
  const returns = s.kind === 'function' && !s.generator && !s.isAsync ? returnType(resolver, s) : s.kind === 'function' && s.generator && managesContext(decorators) ? yieldedType(resolver, s) : null;
  if (returns && typeof returns === 'string') fact.returns = returns;
  else if (Array.isArray(returns)) fact.returnsOneOf = returns;
  if (s.kind === 'class') classMembers(resolver, s, index, fact);
  return fact;
}

/** A request object: a parameter annotated with the framework's `Request`/`WebSocket`, or one named `request`. */
export const REQUEST_OBJECT = /^(?:(?:fastapi|fastapi\.requests|starlette\.requests)\.(?:Request|HTTPConnection)|(?:fastapi|starlette\.websockets)\.WebSocket)\(\)$|\.<param>\.(?:request|req)$/;

/** The `request.state` attributes the module sets to an object of a known type. */
function requestState(resolver: Resolver, x: ExtractionState): { requestState?: { attribute: string; type: QualifiedName; range: SourceRange }[] } {
  const out: { attribute: string; type: QualifiedName; range: SourceRange }[] = [];
  for (const a of x.stateAssignments) {
    const target = resolver.resolve(a.target);
    const m = target ? /^(.*)\.state\.(\w+)$/.exec(target) : null;
    if (!m || !REQUEST_OBJECT.test(m[1])) continue;
    const type = resolver.resolve(a.value);
    if (type?.endsWith('()')) out.push({ attribute: m[2], type, range: a.range });
  }
  return out.length > 0 ? { requestState: out } : {};
}

/** `@contextmanager` / `@asynccontextmanager`: calling the function makes a context manager. */
function managesContext(decorators: readonly { name: QualifiedName | null }[]): boolean {
  return decorators.some((d) => d.name === 'contextlib.contextmanager' || d.name === 'contextlib.asynccontextmanager');
}

/**
 * A context manager built on a generator hands what it yields to `with ... as x`, and the facts
 * read `with cm() as x` as `x = cm()`: the one object type every `yield` agrees on stands for the
 * call (`yield SessionLocal()` → `with get_session() as s: s.query(...)` is a `Session` call).
 */
function yieldedType(resolver: Resolver, s: ScopeBuild): QualifiedName | null {
  let agreed: QualifiedName | null = null;
  for (const e of s.rawYields ?? []) {
    const t = resolver.resolve(e);
    if (t === null || !t.endsWith('()') || (agreed !== null && t !== agreed)) return null;
    agreed = t;
  }
  return agreed;
}

/** A class's resolved bases, its attributes' types and its method names. */
function classMembers(resolver: Resolver, s: ScopeBuild, index: number, fact: ScopeFact): void {
  fact.bases = s.rawBases.map((b) => resolver.resolve(b)).filter((b): b is string => b !== null);
  const attributes: Record<string, QualifiedName> = {};
  const names = new Set([...s.selfAssignments.keys(), ...s.bindings.keys()]);
  const methods: string[] = [];
  for (const name of names) {
    const bindings = s.bindings.get(name);
    if (bindings?.some((b) => b.kind === 'def')) {
      methods.push(name);
      continue;
    }
    const t = resolver.classAttribute(index, name, new Set());
    if (t) attributes[name] = t;
  }
  fact.attributes = attributes;
  fact.methods = methods;
}

/**
 * The annotated return type, else the one value all `return`s agree on; when every `return` makes
 * an object but of different types (a factory's branches), the list of them.
 */
function returnType(resolver: Resolver, s: ScopeBuild): QualifiedName | QualifiedName[] | null {
  if (s.rawReturnType) {
    const t = resolver.instanceOf(s.rawReturnType);
    return t && !t.startsWith('builtins.') && !t.startsWith('typing.') ? t : null;
  }
  if (!s.rawReturns || s.rawReturns.length === 0) return null;
  const made = new Set<QualifiedName>();
  for (const e of s.rawReturns) {
    const t = resolver.resolve(e);
    // Only an object made by a call is a type (`return SessionLocal()`); `return query.first` is a method.
    if (t === null || !t.endsWith('()')) return null;
    made.add(t);
  }
  if (made.size === 1) return [...made][0];
  return made.size <= 8 ? [...made] : null;
}
