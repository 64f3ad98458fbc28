/**
 * The facts extracted from one Python module. Plain, serialisable data (no tree-sitter objects,
 * no functions, no Maps): they can cross a worker-thread boundary and be cached by content hash.
 *
 * Names are *qualified names*: dotted strings in which `()` marks "the result of calling" and
 * `[]` "an item of". Examples:
 *   requests.get                      the function `get` of module `requests`
 *   requests.Session().get            method `get` of an object made by `requests.Session(...)`
 *   sqlite3.connect().cursor().execute
 *   app.db.SessionLocal               a name defined in project module `app.db`
 *   builtins.open                     the builtin `open`
 * Within one file, names defined in another project module stay symbolic (`app.db.SessionLocal`);
 * the project stage replaces them by what they are bound to (see `project.ts`).
 */

import type { SourceRange } from '../../core/diagnostics.js';

export type QualifiedName = string;

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension';

export interface ParameterFact {
  name: string;
  /** Resolved annotation type as an instance (`sqlalchemy.orm.Session()`), when known. */
  type?: QualifiedName;
  hasDefault: boolean;
  /** The default is falsy (`None`, `False`, `0`, `""`, an empty literal). */
  falsyDefault?: boolean;
  /** `Depends(get_db)` default: the dependency's qualified name. */
  dependsOn?: QualifiedName;
}

export interface ScopeFact {
  kind: ScopeKind;
  /** `def`/`class` name; `<lambda>`, `<listcomp>`... otherwise. */
  name: string;
  /** Dotted path inside the module: `Repo.get`, `handler.<locals>.inner`. */
  qualname: string;
  parent: number;
  isAsync: boolean;
  /**
   * The index of the `async def` whose frame runs this scope's code on the event loop, or -1.
   * Comprehensions inherit it from their parent; `def`, `lambda` and `class` bodies do not.
   */
  loopFunction: number;
  range: SourceRange;
  /** Range of the name in `def name(`, for reports that point at a definition. */
  nameRange?: SourceRange;
  decorators: DecoratorFact[];
  parameters: ParameterFact[];
  /**
   * Functions: what a call returns — the `-> T` annotation as an instance (`sqlalchemy.orm.Session()`),
   * else the one value every `return` gives (`return SessionLocal()`), when it resolves.
   */
  returns?: QualifiedName;
  /**
   * Functions whose `return`s make objects of different types (a factory: `return PostgresStore(...)`
   * in one branch, `return S3Store(...)` in another): those types. The project reads such a call
   * as their nearest common project base class.
   */
  returnsOneOf?: QualifiedName[];
  /**
   * Functions: where the first statement of the body after a docstring starts, when it is on a
   * line of its own (fixes that add a statement at the top of the body, such as a moved import).
   */
  bodyStart?: { line: number; column: number };
  /** A generator function (`yield` in its body): calling it runs nothing until it is iterated. */
  generator?: boolean;
  /** Names declared `global` in this scope. */
  globals?: string[];
  /** Classes: base classes as qualified names (unresolved ones omitted). */
  bases?: QualifiedName[];
  /** Classes: instance attribute types from `self.x = ...` in methods and class-level assignments. */
  attributes?: Record<string, QualifiedName>;
  /** Classes: method names defined in the body. */
  methods?: string[];
}

export interface DecoratorFact {
  /** Qualified name of the decorator expression, `()` included when it is called. */
  name: QualifiedName | null;
  text: string;
  range: SourceRange;
}

export interface ImportFact {
  /** `import a.b as c` → module `a.b`, name undefined; `from a import b` → module `a`, name `b`. */
  module: string;
  name?: string;
  /** The local name bound by the statement (`c`, `b`, or `a` for `import a.b`). */
  boundAs: string;
  /**
   * Relative import level (number of leading dots); the module above is already absolute, and
   * spelled as the project names it (`services.api.app.crud` for `app.crud` in that service).
   */
  level: number;
  scope: number;
  range: SourceRange;
  typeCheckingOnly: boolean;
  /** Inside a module-level `if`/`try`, rather than unconditional. */
  conditional: boolean;
  /** PEP 810 `lazy import x` / `lazy from x import y`. */
  lazy: boolean;
  /** Under `if __name__ == "__main__":`: an import of the module never runs it. */
  inMainGuard?: boolean;
  star: boolean;
}

export type ValueFact =
  | { kind: 'ref'; name: QualifiedName | null; text: string }
  | { kind: 'call'; name: QualifiedName | null; text: string }
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'other'; text: string };

export interface ArgumentFact {
  keyword?: string;
  /** `*args` / `**kwargs` splats. */
  splat?: '*' | '**';
  value: ValueFact;
}

export interface CallFact {
  scope: number;
  /** The callee as a qualified name resolved within this file, or null when unknown. */
  callee: QualifiedName | null;
  /** The callee as written (`self.client.get`). */
  calleeText: string;
  range: SourceRange;
  /**
   * The callee's range, when `calleeRangeOf` cannot tell it from `range` and `calleeText` (a callee
   * over several lines): left out of most calls, which makes the facts of a large project smaller.
   */
  calleeRange?: SourceRange;
  /** Directly awaited, or the subject of `async with` / `async for` (left out when not: most calls). */
  awaited?: true;
  arguments: ArgumentFact[];
  /** When this call is directly an argument of another call: that call's index. */
  argumentOf?: number;
  /** Inside `if __name__ == "__main__":` (left out when not). */
  inMainGuard?: true;
  /** Inside an `if` (other than the main guard) within its own scope (left out when not). */
  conditional?: true;
  /**
   * Inside a memoisation guard of its function — `if NAME is None:` / `if not NAME:` whose block
   * assigns NAME, a `global` or an attribute of `cls`, a class or a module: the guarded name. The
   * call runs once per process, not on every call of the function.
   */
  onceGuard?: string;
  /**
   * The assignment target when the call's result is assigned directly (`client`, `app.state.client`),
   * or the `as` target of a `with` item (`with open(p) as f` → `f`).
   */
  assignedTo?: string;
  /** Made in the body of a `for`/`while` loop or in a comprehension of its function: it runs once per item. */
  inLoop?: boolean;
  /** Parameters of its function that must be truthy for the call to run (`if url:` around it). */
  requires?: string[];
}

/** How a name bound by a module-level import is used in the module. */
export interface NameUse {
  /** Evaluated while the module is imported (module-level code, decorators, defaults, bases, evaluated annotations). */
  importTime: boolean;
  /** Used in annotations that are not evaluated (`from __future__ import annotations`). */
  annotation: boolean;
  /** Functions whose bodies use it (the outermost `def` around the use; at most five). */
  functions: string[];
}

/** `name = value` at module level (configuration modules such as `gunicorn.conf.py` are read this way). */
export interface AssignmentFact {
  name: string;
  value: ValueFact;
  /** The target name. */
  range: SourceRange;
  /** The value expression (a call's range, to find its arguments among `calls`). */
  valueRange: SourceRange;
}

export interface SuppressionFact {
  kind: 'line' | 'next-line' | 'file' | 'noqa';
  line: number;
  /** Codes or names as written; empty = every rule (bare `# noqa`). */
  targets: string[];
  range: SourceRange;
}

export interface ModuleFacts {
  /** Absolute path. */
  path: string;
  moduleName: string;
  isPackage: boolean;
  scopes: ScopeFact[];
  imports: ImportFact[];
  calls: CallFact[];
  /**
   * Module-level names and what they are bound to: imports (`requests`), definitions
   * (the name itself, `app.db.get_db`), constructor results (`boto3.client()`) and aliases.
   */
  symbols: Record<string, QualifiedName>;
  /** Uses of the names bound by module-level imports (for start-up import rules). */
  importedNameUses: Record<string, NameUse>;
  /** Module-level assignments to a plain name, in source order. */
  assignments: AssignmentFact[];
  /**
   * Attributes of a request's `state` that the module sets (`request.state.db = SessionLocal()`,
   * on a parameter annotated `Request` or named `request`), with the object type assigned.
   */
  requestState?: { attribute: string; type: QualifiedName; range: SourceRange }[];
  suppressions: SuppressionFact[];
  futureAnnotations: boolean;
  hasStarImport: boolean;
  /**
   * Every name bound at module level (definitions, assignments, imports, loop targets), whatever
   * its value: with `__all__`, what `from this_module import *` can bind.
   */
  moduleNames: string[];
  /** `__all__` when it is a literal list or tuple of strings (also extended with `+=` literals). */
  declaredAll?: string[];
  /**
   * Where new imports go: the last line of the module docstring and `from __future__` imports
   * (0 when there are none), the first line of the next statement (0 when there is none), and
   * whether that statement is a `def` or `class` (decorated or not).
   */
  header: { endLine: number; nextLine: number; nextIsDefinition: boolean };
  lineCount: number;
  /** The code nests deeper than the analyser descends (thousands of brackets or blocks): analysed in part. */
  tooDeep?: boolean;
  /** Locations of tree-sitter ERROR / MISSING nodes (at most a few). */
  syntaxErrors: SourceRange[];
}

/** Where a call's callee is: it starts where the call starts and, on one line, is as long as its text. */
export function calleeRangeOf(call: Pick<CallFact, 'range' | 'calleeText' | 'calleeRange'>): SourceRange {
  if (call.calleeRange) return call.calleeRange;
  const { line, column } = call.range;
  return { line, column, endLine: line, endColumn: column + call.calleeText.length };
}
