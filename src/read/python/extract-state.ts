/**
 * What the one walk over a module's tree records, shared by the per-concern modules of the
 * extraction (scopes, expressions, definitions, imports, assignments, calls, statements), and
 * resolved into ModuleFacts afterwards (resolution.ts, assembly.ts). Nothing here refers to the
 * tree after the walk: the caller deletes it.
 */

import type { Node } from 'web-tree-sitter';
import type { SourceRange } from '../../core/diagnostics.js';
import type { CallFact, ImportFact, QualifiedName, ScopeFact, SuppressionFact, ValueFact } from './facts.js';

export interface ExtractOptions {
  path: string;
  moduleName: string;
  isPackage: boolean;
  /**
   * Top-level names the file's import root spells differently in the project (`app` →
   * `services.api.app`, see importroots.ts): absolute imports of them are rewritten.
   */
  importAliases?: Readonly<Record<string, string>>;
  /** The parsed text; lets name lookups search the text instead of walking every identifier. */
  source?: string;
}

/** An expression as recorded during the walk, resolved afterwards. */
export type Expr =
  | { k: 'name'; id: string; scope: number; at: number }
  | { k: 'attr'; obj: Expr; attr: string }
  | { k: 'call'; fn: Expr }
  | { k: 'item'; obj: Expr }
  | { k: 'lit'; value: ValueFact }
  | { k: 'other' };

/** What a name is bound to at one point (`at`: the binding's end offset; -1 for parameters). */
export type Binding =
  | { at: number; kind: 'import' | 'def' | 'class'; name: QualifiedName }
  | { at: number; kind: 'value'; expr: Expr; annotation?: Expr }
  | { at: number; kind: 'instance'; annotation: Expr }
  | { at: number; kind: 'self'; classScope: number; instance: boolean }
  | { at: number; kind: 'none' }
  | { at: number; kind: 'unknown' };

export type SelfBinding = Extract<Binding, { kind: 'self' }>;

export interface RawDecorator {
  expr: Expr;
  text: string;
  range: SourceRange;
}

export interface RawParameter {
  name: string;
  annotation?: Expr;
  hasDefault: boolean;
  /** The default is falsy (`None`, `False`, `0`, `""`, an empty literal). */
  falsyDefault?: boolean;
  /** FastAPI `Depends(f)` / `Security(f)`: f. */
  depends?: Expr;
}

/** A scope as built during the walk; its ScopeFact is assembled after resolution. */
export interface ScopeBuild extends Omit<ScopeFact, 'globals'> {
  bindings: Map<string, Binding[]>;
  globals: Set<string>;
  nonlocals: Set<string>;
  rawDecorators: RawDecorator[];
  rawParams: RawParameter[];
  rawBases: Expr[];
  /** Functions: the `-> T` annotation (`Optional[T]` / `T | None` unwrapped). */
  rawReturnType?: Expr;
  /** Functions: the values of their `return` statements (a bare `return` and `return None` left out). */
  rawReturns?: Expr[];
  /** Generator functions: the values they `yield`. */
  rawYields?: Expr[];
  /** Classes: `self.x = value` assignments found in methods. */
  selfAssignments: Map<string, { expr?: Expr; annotation?: Expr }[]>;
}

export interface RawArgument {
  keyword?: string;
  splat?: '*' | '**';
  expr: Expr;
  text: string;
}

/** A call whose fact is complete but for the callee and the argument values, resolved later. */
export interface RawCall {
  fact: CallFact;
  callee: Expr;
  args: RawArgument[];
}

/** A module-level `name = value`. */
export interface RawAssignment {
  name: string;
  expr: Expr;
  text: string;
  range: SourceRange;
  valueRange: SourceRange;
}

/** Where the walk is: the scope, and the guards and conditions around the current node. */
export interface WalkContext {
  scope: number;
  typeChecking: boolean;
  /** Module-level `if`/`try` nesting (imports under it are conditional). */
  moduleConditional: boolean;
  mainGuard: boolean;
  /** Inside an `if` within the current scope. */
  conditional: boolean;
  /** Inside the body of a `for`/`while` loop or a comprehension, within the current function. */
  inLoop?: boolean;
  /** Parameters of the current function that the `if`s around the node require to be truthy. */
  requires?: string[];
  /** The memoisation guards around the node in the current function, innermost first. */
  onceGuard?: OnceGuard;
}

/**
 * `if NAME is None:` / `if not NAME:` in a function, where NAME outlives the call (a `global`, an
 * attribute of `cls`, of a class or of a module): once its block assigns NAME, the block's calls
 * run once per process. Also the early-return form, `if NAME is not None: return NAME`, whose
 * "block" is the rest of the enclosing block after the `if`.
 */
export interface OnceGuard {
  name: string;
  scope: number;
  assigned: boolean;
  outer?: OnceGuard;
}

/** Syntax nesting beyond which the walk stops descending (CPython itself refuses about 200 nested brackets). */
export const MAX_NESTING = 400;

export interface ExtractionState {
  readonly options: ExtractOptions;
  /** Scope 0 is the module. */
  readonly scopes: ScopeBuild[];
  readonly imports: ImportFact[];
  readonly calls: RawCall[];
  readonly assignments: RawAssignment[];
  /** `request.state.db = SessionLocal()`, anywhere in the file: the attribute chain and the value. */
  readonly stateAssignments: { target: Expr; value: Expr; range: SourceRange }[];
  readonly suppressions: SuppressionFact[];
  readonly syntaxErrors: SourceRange[];
  /** Classes of this file by qualified name → scope index. */
  readonly classByQualified: Map<QualifiedName, number>;
  /** Start offsets of the import statements preceded by the `lazy` soft keyword (PEP 810). */
  readonly lazyImportNodes: Set<number>;
  futureAnnotations: boolean;
  hasStarImport: boolean;
  /** `__all__` as read so far: a literal list, or 'dynamic' once anything else is assigned to it. */
  declaredAll: string[] | 'dynamic' | undefined;
  /** Statement/call nesting of the walk, and expression nesting, for the depth guard. */
  visitDepth: number;
  exprDepth: number;
  tooDeep: boolean;
  /** Visits a node (with the depth guard): how each concern hands back the nodes it does not handle. */
  readonly visit: (node: Node, ctx: WalkContext) => void;
  /** Visits the named children of a node. */
  readonly visitChildren: (node: Node, ctx: WalkContext) => void;
}

export function newExtractionState(
  options: ExtractOptions,
  visit: (x: ExtractionState, node: Node, ctx: WalkContext) => void,
): ExtractionState {
  const x: ExtractionState = {
    options,
    scopes: [],
    imports: [],
    calls: [],
    assignments: [],
    stateAssignments: [],
    suppressions: [],
    syntaxErrors: [],
    classByQualified: new Map(),
    lazyImportNodes: new Set(),
    futureAnnotations: false,
    hasStarImport: false,
    declaredAll: undefined,
    visitDepth: 0,
    exprDepth: 0,
    tooDeep: false,
    visit: (node, ctx) => visit(x, node, ctx),
    visitChildren: (node, ctx) => {
      for (const child of node.namedChildren) visit(x, child, ctx);
    },
  };
  return x;
}

/** `name` as the project spells it: prefixed with the module name. */
export function projectName(x: ExtractionState, qualname: string): QualifiedName {
  return x.options.moduleName ? `${x.options.moduleName}.${qualname}` : qualname;
}
