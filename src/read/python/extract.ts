/**
 * One walk over a tree-sitter Python tree that records scopes, bindings, imports and calls, then a
 * resolution pass over those records (not over the tree) that turns every callee, decorator,
 * annotation and argument into a qualified name. The tree is not kept: the caller deletes it.
 *
 * Name resolution follows Python's rules closely enough for a linter:
 * - a name assigned anywhere in a function is local to it; `global` / `nonlocal` redirect;
 * - class bodies are not visible from the functions inside them;
 * - within one scope the binding that precedes the use wins (flow approximation); seen from an
 *   inner scope, the textually last binding of the outer scope wins (the value at call time),
 *   ignoring `x = None` placeholders (the lazy-global pattern);
 * - a local `def sleep()` or `sleep = other` shadows `from time import sleep`;
 * - unbound names are builtins; in a module with a star import they are the module's own global
 *   names (`app.main.open`), which the project stage resolves through the star-imported modules.
 */

import type { Node, Tree } from 'web-tree-sitter';
import type { SourceRange } from '../../core/diagnostics.js';
import type {
  ArgumentFact,
  CallFact,
  DecoratorFact,
  ImportFact,
  NameUse,
  ModuleFacts,
  ParameterFact,
  QualifiedName,
  ScopeFact,
  ScopeKind,
  SuppressionFact,
  ValueFact,
} from './facts.js';
import { parseSuppressionComment } from '../suppression-comments.js';

/** An expression as recorded during the walk, resolved afterwards. */
type Expr =
  | { k: 'name'; id: string; scope: number; at: number }
  | { k: 'attr'; obj: Expr; attr: string }
  | { k: 'call'; fn: Expr }
  | { k: 'item'; obj: Expr }
  | { k: 'lit'; value: ValueFact }
  | { k: 'other' };

type Binding =
  | { at: number; kind: 'import' | 'def' | 'class'; name: QualifiedName }
  | { at: number; kind: 'value'; expr: Expr; annotation?: Expr }
  | { at: number; kind: 'instance'; annotation: Expr }
  | { at: number; kind: 'self'; classScope: number; instance: boolean }
  | { at: number; kind: 'none' }
  | { at: number; kind: 'unknown' };

interface ScopeBuild extends Omit<ScopeFact, "globals"> {
  bindings: Map<string, Binding[]>;
  globals: Set<string>;
  nonlocals: Set<string>;
  rawDecorators: { expr: Expr; text: string; range: SourceRange }[];
  rawParams: { name: string; annotation?: Expr; hasDefault: boolean; depends?: Expr }[];
  rawBases: Expr[];
  /** Classes: `self.x = value` assignments found in methods. */
  selfAssignments: Map<string, { expr?: Expr; annotation?: Expr }[]>;
}

interface RawCall {
  fact: CallFact;
  callee: Expr;
  args: { keyword?: string; splat?: '*' | '**'; expr: Expr; text: string }[];
}

interface WalkContext {
  scope: number;
  typeChecking: boolean;
  /** Module-level `if`/`try` nesting (imports under it are conditional). */
  moduleConditional: boolean;
  mainGuard: boolean;
  /** Inside an `if` within the current scope. */
  conditional: boolean;
}

const COMPREHENSIONS: Record<string, string> = {
  list_comprehension: '<listcomp>',
  set_comprehension: '<setcomp>',
  dictionary_comprehension: '<dictcomp>',
  generator_expression: '<genexpr>',
};

const MAX_SYNTAX_ERRORS = 5;
const MAX_RESOLVE_DEPTH = 40;

export function rangeOf(node: Node): SourceRange {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

function unwrapParens(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

function stringContent(node: Node): string | null {
  if (node.type !== 'string') return null;
  let text = '';
  for (const child of node.namedChildren) {
    if (child.type === 'string_content') text += child.text;
    else if (child.type === 'interpolation') return null;
    else if (child.type === 'escape_sequence') text += child.text;
  }
  return text;
}

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

export function extractModuleFacts(tree: Tree, options: ExtractOptions): ModuleFacts {
  return new FactExtractor(options).run(tree.rootNode);
}

/** Syntax nesting beyond which the walk stops descending (CPython itself refuses about 200 nested brackets). */
const MAX_NESTING = 400;

class FactExtractor {
  private readonly scopes: ScopeBuild[] = [];
  private readonly imports: ImportFact[] = [];
  private readonly calls: RawCall[] = [];
  private readonly rawAssignments: { name: string; expr: Expr; text: string; range: SourceRange; valueRange: SourceRange }[] = [];
  private readonly suppressions: SuppressionFact[] = [];
  private readonly syntaxErrors: SourceRange[] = [];
  private futureAnnotations = false;
  private rootNode: Node | undefined;
  private visitDepth = 0;
  private exprDepth = 0;
  private tooDeep = false;
  private hasStarImport = false;
  /** `__all__` as read so far: a literal list, or 'dynamic' once anything else is assigned to it. */
  private declaredAll: string[] | 'dynamic' | undefined;
  private readonly classByQualified = new Map<QualifiedName, number>();
  private readonly resolving = new Set<Binding>();
  private readonly memo = new Map<Binding, QualifiedName | null>();

  constructor(private readonly options: ExtractOptions) {}

  run(root: Node): ModuleFacts {
    for (const comment of root.descendantsOfType('comment')) this.comment(comment);
    this.rootNode = root;
    if (root.hasError) this.collectSyntaxErrors(root);
    const moduleScope = this.newScope('module', '', -1, false, root);
    this.visitChildren(root, {
      scope: moduleScope,
      typeChecking: false,
      moduleConditional: false,
      mainGuard: false,
      conditional: false,
    });
    return this.finish(root);
  }

  // ---------------------------------------------------------------- scopes and bindings

  private newScope(kind: ScopeKind, name: string, parent: number, isAsync: boolean, node: Node): number {
    const parentScope = parent >= 0 ? this.scopes[parent] : undefined;
    let qualname = name;
    if (parentScope && parentScope.kind !== 'module') {
      qualname = parentScope.kind === 'class' ? `${parentScope.qualname}.${name}` : `${parentScope.qualname}.<locals>.${name}`;
    }
    const index = this.scopes.length;
    let loopFunction = -1;
    if (kind === 'function' && isAsync) loopFunction = index;
    else if (kind === 'comprehension' && parentScope) loopFunction = parentScope.loopFunction;
    this.scopes.push({
      kind,
      name,
      qualname,
      parent,
      isAsync,
      loopFunction,
      range: rangeOf(node),
      decorators: [],
      parameters: [],
      bindings: new Map(),
      globals: new Set(),
      nonlocals: new Set(),
      rawDecorators: [],
      rawParams: [],
      rawBases: [],
      selfAssignments: new Map(),
    });
    if (kind === 'class') this.classByQualified.set(this.projectName(qualname), index);
    return index;
  }

  private projectName(qualname: string): QualifiedName {
    return this.options.moduleName ? `${this.options.moduleName}.${qualname}` : qualname;
  }

  private bind(scope: number, name: string, binding: Binding): void {
    let target = scope;
    const s = this.scopes[scope];
    if (s.globals.has(name)) target = 0;
    else if (s.nonlocals.has(name)) target = this.enclosingFunction(scope) ?? scope;
    const list = this.scopes[target].bindings.get(name);
    if (list) list.push(binding);
    else this.scopes[target].bindings.set(name, [binding]);
  }

  private enclosingFunction(scope: number): number | undefined {
    let p = this.scopes[scope].parent;
    while (p >= 0) {
      if (this.scopes[p].kind === 'function') return p;
      p = this.scopes[p].parent;
    }
    return undefined;
  }

  /** Bind the names of an assignment target. */
  private bindTarget(target: Node, ctx: WalkContext, value: Expr | undefined, at: number, annotation?: Expr): void {
    const t = unwrapParens(target);
    switch (t.type) {
      case 'identifier': {
        if (value && value.k === 'lit' && value.value.kind === 'none' && !annotation) {
          this.bind(ctx.scope, t.text, { at, kind: 'none' });
        } else if (value) {
          this.bind(ctx.scope, t.text, { at, kind: 'value', expr: value, annotation });
        } else if (annotation) {
          this.bind(ctx.scope, t.text, { at, kind: 'instance', annotation });
        } else {
          this.bind(ctx.scope, t.text, { at, kind: 'unknown' });
        }
        return;
      }
      case 'attribute': {
        // self.x = ... inside a method: an instance attribute of the class.
        const obj = t.childForFieldName('object');
        const attr = t.childForFieldName('attribute');
        const scope = this.scopes[ctx.scope];
        if (obj?.type === 'identifier' && attr && scope.kind === 'function' && scope.parent >= 0) {
          const cls = this.scopes[scope.parent];
          const first = scope.rawParams[0];
          if (cls.kind === 'class' && first && first.name === obj.text) {
            const list = cls.selfAssignments.get(attr.text) ?? [];
            list.push({ expr: value, annotation });
            cls.selfAssignments.set(attr.text, list);
          }
        }
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
        for (const child of t.namedChildren) this.bindTarget(child, ctx, undefined, at);
        return;
      case 'list_splat_pattern':
      case 'list_splat':
        for (const child of t.namedChildren) this.bindTarget(child, ctx, undefined, at);
        return;
      default:
        return; // subscripts and other targets bind no name
    }
  }

  // ---------------------------------------------------------------- expressions

  private expr(node: Node | null, scope: number): Expr {
    if (!node) return { k: 'other' };
    if (this.exprDepth >= MAX_NESTING) {
      this.tooDeep = true;
      return { k: 'other' };
    }
    this.exprDepth++;
    try {
      return this.exprOf(node, scope);
    } finally {
      this.exprDepth--;
    }
  }

  private exprOf(node: Node, scope: number): Expr {
    const n = unwrapParens(node);
    switch (n.type) {
      case 'identifier':
        return { k: 'name', id: n.text, scope, at: n.startIndex };
      case 'attribute': {
        const attr = n.childForFieldName('attribute');
        return { k: 'attr', obj: this.expr(n.childForFieldName('object'), scope), attr: attr ? attr.text : '' };
      }
      case 'call':
        return { k: 'call', fn: this.expr(n.childForFieldName('function'), scope) };
      case 'subscript':
        return { k: 'item', obj: this.expr(n.childForFieldName('value'), scope) };
      case 'string': {
        const s = stringContent(n);
        return s === null ? { k: 'other' } : { k: 'lit', value: { kind: 'str', value: s } };
      }
      case 'concatenated_string': {
        let s = '';
        for (const part of n.namedChildren) {
          const c = stringContent(part);
          if (c === null) return { k: 'other' };
          s += c;
        }
        return { k: 'lit', value: { kind: 'str', value: s } };
      }
      case 'integer':
      case 'float':
        return { k: 'lit', value: { kind: 'num', value: n.text } };
      case 'true':
        return { k: 'lit', value: { kind: 'bool', value: true } };
      case 'false':
        return { k: 'lit', value: { kind: 'bool', value: false } };
      case 'none':
        return { k: 'lit', value: { kind: 'none' } };
      default:
        return { k: 'other' };
    }
  }

  /** The core type of an annotation: `Annotated[T, ...]`, `Optional[T]`, `T | None`, `"T"` → T. */
  private annotationExpr(node: Node | null, scope: number): Expr | undefined {
    if (!node) return undefined;
    let n = unwrapParens(node);
    if (n.type === 'type') {
      const inner = n.namedChild(0);
      if (!inner) return undefined;
      n = unwrapParens(inner);
    }
    switch (n.type) {
      case 'identifier':
      case 'attribute':
        return this.expr(n, scope);
      case 'string': {
        const s = stringContent(n);
        if (!s || !/^[A-Za-z_][\w.]*$/.test(s)) return undefined;
        const parts = s.split('.');
        let e: Expr = { k: 'name', id: parts[0], scope, at: n.startIndex };
        for (const p of parts.slice(1)) e = { k: 'attr', obj: e, attr: p };
        return e;
      }
      case 'binary_operator': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (right && unwrapParens(right).type === 'none') return this.annotationExpr(left, scope);
        if (left && unwrapParens(left).type === 'none') return this.annotationExpr(right, scope);
        return undefined;
      }
      case 'generic_type':
      case 'subscript': {
        const head = n.type === 'generic_type' ? n.namedChild(0) : n.childForFieldName('value');
        const headName = head ? head.text.split('.').pop() : undefined;
        const params =
          n.type === 'generic_type'
            ? (n.namedChildren.find((c) => c.type === 'type_parameter')?.namedChildren ?? [])
            : n.childrenForFieldName('subscript');
        if (headName === 'Annotated' || headName === 'Optional') return this.annotationExpr(params[0] ?? null, scope);
        // `IO[str]` is a file object whatever it holds.
        if (headName === 'IO' && head) return this.expr(head, scope);
        if (headName === 'Union') {
          const nonNone = params.filter((p) => unwrapParens(p.type === 'type' ? (p.namedChild(0) ?? p) : p).type !== 'none');
          return nonNone.length === 1 ? this.annotationExpr(nonNone[0], scope) : undefined;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  // ---------------------------------------------------------------- the walk

  private visitChildren(node: Node, ctx: WalkContext): void {
    for (const child of node.namedChildren) this.visit(child, ctx);
  }

  private visit(node: Node, ctx: WalkContext): void {
    // Deeply nested code (10 000 brackets) must not exhaust the stack: stop descending and say so.
    if (this.visitDepth >= MAX_NESTING) {
      this.tooDeep = true;
      return;
    }
    this.visitDepth++;
    try {
      this.visitNode(node, ctx);
    } finally {
      this.visitDepth--;
    }
  }

  private visitNode(node: Node, ctx: WalkContext): void {
    switch (node.type) {
      case 'comment':
        return; // collected in one native query in run()
      case 'ERROR':
        this.error(node, ctx);
        return;
      case 'decorated_definition':
        this.decorated(node, ctx);
        return;
      case 'yield': {
        // A generator's body runs when it is iterated, not when it is called.
        const scope = this.scopes[ctx.scope];
        if (scope.kind === 'function') scope.generator = true;
        this.visitChildren(node, ctx);
        return;
      }
      case 'function_definition':
        this.functionDef(node, ctx, []);
        return;
      case 'class_definition':
        this.classDef(node, ctx, []);
        return;
      case 'lambda':
        this.lambda(node, ctx);
        return;
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        this.comprehension(node, ctx);
        return;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        this.importStatement(node, ctx, false);
        return;
      case 'assignment':
        this.assignment(node, ctx);
        return;
      case 'augmented_assignment':
        if (ctx.scope === 0 && node.childForFieldName('left')?.text === '__all__') {
          this.recordAll(node.childForFieldName('right'), node.childForFieldName('operator')?.text === '+=');
        }
        this.visitChildren(node, ctx);
        return;
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (value) this.visit(value, ctx);
        // The walrus binds in the nearest non-comprehension scope.
        let scope = ctx.scope;
        while (this.scopes[scope].kind === 'comprehension') scope = this.scopes[scope].parent;
        if (name) this.bindTarget(name, { ...ctx, scope }, this.expr(value, ctx.scope), node.endIndex);
        return;
      }
      case 'for_statement':
        this.forStatement(node, ctx);
        return;
      case 'with_statement':
        this.withStatement(node, ctx);
        return;
      case 'except_clause':
        this.exceptClause(node, ctx);
        return;
      case 'global_statement':
        for (const id of node.namedChildren) if (id.type === 'identifier') this.scopes[ctx.scope].globals.add(id.text);
        return;
      case 'nonlocal_statement':
        for (const id of node.namedChildren) if (id.type === 'identifier') this.scopes[ctx.scope].nonlocals.add(id.text);
        return;
      case 'if_statement':
        this.ifStatement(node, ctx);
        return;
      case 'try_statement':
        this.visitChildren(node, ctx.scope === 0 ? { ...ctx, moduleConditional: true } : ctx);
        return;
      case 'await': {
        const inner = node.namedChild(0);
        if (inner) {
          const target = unwrapParens(inner);
          if (target.type === 'call') this.call(target, ctx, { awaited: true });
          else this.visit(inner, ctx);
        }
        return;
      }
      case 'call':
        this.call(node, ctx, { awaited: false });
        return;
      default:
        if (node.namedChildCount > 0) this.visitChildren(node, ctx);
    }
  }

  private recordSyntaxError(node: Node): void {
    if (this.syntaxErrors.length < MAX_SYNTAX_ERRORS) this.syntaxErrors.push(rangeOf(node));
  }

  private error(node: Node, ctx: WalkContext): void {
    // PEP 810: tree-sitter-python 0.25 parses `lazy import x` as ERROR("lazy") + import statement.
    if (this.isLazyMarker(node)) {
      const next = node.nextSibling;
      if (next) {
        this.lazyImportNodes.add(next.startIndex);
        return;
      }
    }
    this.visitChildren(node, ctx);
  }

  /** The first few ERROR / MISSING nodes, searched only below nodes that contain an error. */
  private collectSyntaxErrors(node: Node): void {
    if (this.syntaxErrors.length >= MAX_SYNTAX_ERRORS) return;
    if (node.isMissing || (node.type === 'ERROR' && !this.isLazyMarker(node))) {
      this.recordSyntaxError(node);
      return;
    }
    for (const child of node.children) {
      if (child && (child.hasError || child.isMissing)) this.collectSyntaxErrors(child);
    }
  }

  private isLazyMarker(node: Node): boolean {
    const next = node.nextSibling;
    return node.text === 'lazy' && next !== null && (next.type === 'import_statement' || next.type === 'import_from_statement');
  }

  private readonly lazyImportNodes = new Set<number>();

  private comment(node: Node): void {
    const parsed = parseSuppressionComment(node.text);
    if (!parsed) return;
    const range = rangeOf(node);
    for (const s of parsed) this.suppressions.push({ ...s, line: range.line, range });
  }

  private decorated(node: Node, ctx: WalkContext): void {
    const decorators: ScopeBuild['rawDecorators'] = [];
    let definition: Node | null = null;
    for (const child of node.namedChildren) {
      if (child.type === 'decorator') {
        const e = child.namedChild(0);
        // Decorators are evaluated in the enclosing scope.
        if (e) this.visit(e, ctx);
        decorators.push({ expr: this.expr(e, ctx.scope), text: e ? e.text : '', range: rangeOf(child) });
      } else if (child.type !== 'comment') {
        definition = child;
      }
    }
    if (definition?.type === 'function_definition') this.functionDef(definition, ctx, decorators);
    else if (definition?.type === 'class_definition') this.classDef(definition, ctx, decorators);
    else if (definition) this.visit(definition, ctx);
  }

  private functionDef(node: Node, ctx: WalkContext, decorators: ScopeBuild['rawDecorators']): void {
    const nameNode = node.childForFieldName('name');
    const name = nameNode ? nameNode.text : '<function>';
    const isAsync = node.child(0)?.type === 'async';
    const scope = this.newScope('function', name, ctx.scope, isAsync, node);
    const s = this.scopes[scope];
    s.rawDecorators = decorators;
    if (nameNode) s.nameRange = rangeOf(nameNode);
    const parent = this.scopes[ctx.scope];
    const isMethod = parent.kind === 'class';
    const decoratorNames = decorators.map((d) => d.text.split('(')[0].split('.').pop());
    const firstIsSelf = isMethod && !decoratorNames.includes('staticmethod');
    const firstIsClass = firstIsSelf && decoratorNames.includes('classmethod');

    const params = node.childForFieldName('parameters');
    let index = 0;
    for (const p of params ? params.namedChildren : []) {
      this.parameter(p, ctx, scope, () => {
        const i = index++;
        return i === 0 && firstIsSelf ? { kind: 'self', classScope: ctx.scope, instance: !firstIsClass } : undefined;
      });
    }
    const returnType = node.childForFieldName('return_type');
    if (returnType) this.visit(returnType, ctx);
    this.bind(ctx.scope, name, { at: node.endIndex, kind: 'def', name: this.projectName(s.qualname) });
    const body = node.childForFieldName('body');
    if (body) {
      this.visitChildren(body, {
        scope,
        typeChecking: ctx.typeChecking,
        moduleConditional: false,
        mainGuard: ctx.mainGuard,
        conditional: false,
      });
    }
  }

  /** One parameter: defaults and annotations are evaluated in the enclosing scope. */
  private parameter(
    p: Node,
    ctx: WalkContext,
    scope: number,
    selfBinding: () => { kind: 'self'; classScope: number; instance: boolean } | undefined,
  ): void {
    const s = this.scopes[scope];
    let nameNode: Node | null = null;
    let typeNode: Node | null = null;
    let valueNode: Node | null = null;
    switch (p.type) {
      case 'identifier':
        nameNode = p;
        break;
      case 'typed_parameter':
        nameNode = p.namedChildren.find((c) => c.type === 'identifier') ?? null;
        typeNode = p.childForFieldName('type');
        if (!nameNode) {
          // *args: T / **kwargs: T
          const splat = p.namedChildren.find((c) => c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern');
          nameNode = splat?.namedChild(0) ?? null;
          typeNode = null;
        }
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        nameNode = p.childForFieldName('name');
        typeNode = p.childForFieldName('type');
        valueNode = p.childForFieldName('value');
        break;
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        nameNode = p.namedChild(0);
        break;
      default:
        return; // `*`, `/` separators
    }
    if (typeNode) this.visit(typeNode, ctx);
    if (valueNode) this.visit(valueNode, ctx);
    if (!nameNode || nameNode.type !== 'identifier') return;
    const annotation = this.annotationExpr(typeNode, ctx.scope);
    let depends: Expr | undefined;
    const dependsCall = (n: Node | null): Node | null => {
      if (!n) return null;
      const u = unwrapParens(n);
      if (u.type === 'call') {
        const fn = u.childForFieldName('function');
        if (fn && /(^|\.)(Depends|Security)$/.test(fn.text)) return u;
      }
      return null;
    };
    let dep = dependsCall(valueNode);
    if (!dep && typeNode) {
      // Annotated[T, Depends(f)]
      for (const call of typeNode.descendantsOfType('call')) {
        dep = dependsCall(call);
        if (dep) break;
      }
    }
    if (dep) {
      const args = dep.childForFieldName('arguments');
      const first = args?.namedChildren.find((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
      const kw = args?.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'dependency');
      const target = first ?? kw?.childForFieldName('value') ?? null;
      if (target) depends = this.expr(target, ctx.scope);
    }
    s.rawParams.push({ name: nameNode.text, annotation, hasDefault: valueNode !== null, depends });
    const self = selfBinding();
    if (self) this.bind(scope, nameNode.text, { at: -1, ...self });
    else if (annotation) this.bind(scope, nameNode.text, { at: -1, kind: 'instance', annotation });
    else this.bind(scope, nameNode.text, { at: -1, kind: 'unknown' });
  }

  private classDef(node: Node, ctx: WalkContext, decorators: ScopeBuild['rawDecorators']): void {
    const nameNode = node.childForFieldName('name');
    const name = nameNode ? nameNode.text : '<class>';
    const supers = node.childForFieldName('superclasses');
    const bases: Expr[] = [];
    if (supers) {
      this.visit(supers, ctx);
      for (const b of supers.namedChildren) if (b.type !== 'keyword_argument') bases.push(this.expr(b, ctx.scope));
    }
    const scope = this.newScope('class', name, ctx.scope, false, node);
    const s = this.scopes[scope];
    s.rawDecorators = decorators;
    s.rawBases = bases;
    if (nameNode) s.nameRange = rangeOf(nameNode);
    this.bind(ctx.scope, name, { at: node.endIndex, kind: 'class', name: this.projectName(s.qualname) });
    const body = node.childForFieldName('body');
    if (body) {
      this.visitChildren(body, {
        scope,
        typeChecking: ctx.typeChecking,
        moduleConditional: false,
        mainGuard: ctx.mainGuard,
        conditional: false,
      });
    }
  }

  private lambda(node: Node, ctx: WalkContext): void {
    const scope = this.newScope('lambda', '<lambda>', ctx.scope, false, node);
    const params = node.childForFieldName('parameters');
    for (const p of params ? params.namedChildren : []) this.parameter(p, ctx, scope, () => undefined);
    const body = node.childForFieldName('body');
    if (body) this.visit(body, { ...ctx, scope, conditional: false });
  }

  private comprehension(node: Node, ctx: WalkContext): void {
    const scope = this.newScope('comprehension', COMPREHENSIONS[node.type] ?? '<comp>', ctx.scope, false, node);
    const inner: WalkContext = { ...ctx, scope };
    let first = true;
    for (const child of node.namedChildren) {
      if (child.type === 'for_in_clause') {
        const right = child.childForFieldName('right');
        // The first iterable is evaluated in the enclosing scope.
        if (right) this.visit(right, first ? ctx : inner);
        first = false;
        for (const left of child.childrenForFieldName('left')) this.bindTarget(left, inner, undefined, -1);
      } else {
        this.visit(child, inner);
      }
    }
  }

  private importStatement(node: Node, ctx: WalkContext, lazy: boolean): void {
    const scope = ctx.scope;
    const range = rangeOf(node);
    const isLazy = lazy || this.lazyImportNodes.has(node.startIndex);
    const base = {
      level: 0,
      scope,
      range,
      typeCheckingOnly: ctx.typeChecking,
      conditional: ctx.moduleConditional,
      lazy: isLazy,
      star: false,
    };
    if (node.type === 'future_import_statement') {
      for (const n of node.childrenForFieldName('name')) if (n.text === 'annotations') this.futureAnnotations = true;
      return;
    }
    if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        if (n.type === 'aliased_import') {
          const module = this.projectModule(n.childForFieldName('name')?.text ?? '');
          const alias = n.childForFieldName('alias')?.text ?? module;
          this.imports.push({ ...base, module, boundAs: alias });
          this.bind(scope, alias, { at: node.endIndex, kind: 'import', name: module });
        } else {
          const module = this.projectModule(n.text);
          const top = n.text.split('.')[0];
          this.imports.push({ ...base, module, boundAs: top });
          this.bind(scope, top, { at: node.endIndex, kind: 'import', name: this.projectModule(top) });
        }
      }
      return;
    }
    // from X import ...
    const moduleNode = node.childForFieldName('module_name');
    let level = 0;
    let moduleText = '';
    if (moduleNode?.type === 'relative_import') {
      for (const c of moduleNode.namedChildren) {
        if (c.type === 'import_prefix') level = c.text.length;
        else if (c.type === 'dotted_name') moduleText = c.text;
      }
    } else if (moduleNode) {
      moduleText = moduleNode.text;
    }
    const module = level > 0 ? this.absoluteModule(level, moduleText) : this.projectModule(moduleText);
    if (module === '__future__') {
      for (const n of node.childrenForFieldName('name')) if (n.text === 'annotations') this.futureAnnotations = true;
      return;
    }
    if (node.namedChildren.some((c) => c.type === 'wildcard_import')) {
      this.hasStarImport = true;
      this.imports.push({ ...base, level, module, boundAs: '*', star: true });
      return;
    }
    for (const n of node.childrenForFieldName('name')) {
      let name: string;
      let alias: string;
      if (n.type === 'aliased_import') {
        name = n.childForFieldName('name')?.text ?? '';
        alias = n.childForFieldName('alias')?.text ?? name;
      } else {
        name = n.text;
        alias = name;
      }
      const qualified = module ? `${module}.${name}` : name;
      this.imports.push({ ...base, level, module, name, boundAs: alias });
      this.bind(scope, alias, { at: node.endIndex, kind: 'import', name: qualified });
    }
  }

  /** An absolute module name as the project spells it (`app.crud` → `services.api.app.crud`). */
  private projectModule(module: string): string {
    const aliases = this.options.importAliases;
    if (!aliases) return module;
    const dot = module.indexOf('.');
    const top = dot < 0 ? module : module.slice(0, dot);
    return Object.hasOwn(aliases, top) ? aliases[top] + (dot < 0 ? '' : module.slice(dot)) : module;
  }

  /** `from ..x import y` inside module `a.b.c` → `a.x`. */
  private absoluteModule(level: number, rest: string): string {
    const parts = this.options.moduleName ? this.options.moduleName.split('.') : [];
    // A package's __init__ is its own package; a module's package is its parent.
    const pkg = this.options.isPackage ? parts : parts.slice(0, -1);
    const base = pkg.slice(0, Math.max(0, pkg.length - (level - 1)));
    return [...base, ...(rest ? [rest] : [])].join('.');
  }

  private assignment(node: Node, ctx: WalkContext): void {
    // a = b = value: the innermost right-hand side is the value of every target.
    const callsBefore = this.calls.length;
    const targets: Node[] = [];
    let current: Node | null = node;
    let annotationNode: Node | null = null;
    while (current && current.type === 'assignment') {
      const left = current.childForFieldName('left');
      if (left) targets.push(left);
      annotationNode ??= current.childForFieldName('type');
      const right = current.childForFieldName('right');
      if (right && right.type === 'assignment') current = right;
      else {
        if (right) this.visit(right, ctx);
        current = right;
        break;
      }
    }
    if (annotationNode) this.visit(annotationNode, ctx);
    for (const t of targets) if (t.type !== 'identifier') this.visitChildren(t, ctx);
    const value = current && current.type !== 'assignment' ? current : null;
    // `x = Client()` / `app.state.c = await make()`: the call knows where its result goes.
    const called = value ? unwrapParens(value.type === 'await' && value.namedChildren[0] ? value.namedChildren[0] : value) : null;
    if (called?.type === 'call') {
      const start = rangeOf(called);
      const raw = this.calls.slice(callsBefore).find((c) => c.fact.range.line === start.line && c.fact.range.column === start.column && c.fact.range.endLine === start.endLine && c.fact.range.endColumn === start.endColumn);
      if (raw) raw.fact.assignedTo = targets.map((t) => t.text).join(' = ');
    }
    if (ctx.scope === 0 && targets.some((t) => t.type === 'identifier' && t.text === '__all__')) {
      this.declaredAll = undefined;
      this.recordAll(value, true);
    }
    const annotation = this.annotationExpr(annotationNode, ctx.scope);
    for (const target of targets) {
      const t = unwrapParens(target);
      const v = value ? unwrapParens(value) : null;
      // a, b = x(), y(): pairwise when both sides have the same length
      if ((t.type === 'pattern_list' || t.type === 'tuple_pattern') && v && (v.type === 'expression_list' || v.type === 'tuple')) {
        const ts = t.namedChildren;
        const vs = v.namedChildren;
        if (ts.length === vs.length) {
          ts.forEach((tt, i) => this.bindTarget(tt, ctx, this.expr(vs[i], ctx.scope), node.endIndex));
          continue;
        }
      }
      const valueExpr = value ? this.expr(value, ctx.scope) : undefined;
      this.bindTarget(target, ctx, valueExpr, node.endIndex, annotation);
      if (ctx.scope === 0 && t.type === 'identifier' && value && valueExpr) {
        this.rawAssignments.push({ name: t.text, expr: valueExpr, text: value.text, range: rangeOf(t), valueRange: rangeOf(value) });
      }
    }
  }

  /** `__all__ = [...]` / `__all__ += (...)`: literal strings are kept, anything else makes it dynamic. */
  private recordAll(value: Node | null, literalAllowed: boolean): void {
    if (this.declaredAll === 'dynamic') return;
    const v = value ? unwrapParens(value) : null;
    const names: string[] = [];
    if (literalAllowed && v && (v.type === 'list' || v.type === 'tuple')) {
      for (const item of v.namedChildren) {
        if (item.type === 'comment') continue;
        const text = stringContent(item);
        if (text === null) {
          this.declaredAll = 'dynamic';
          return;
        }
        names.push(text);
      }
      this.declaredAll = [...(this.declaredAll ?? []), ...names];
      return;
    }
    this.declaredAll = 'dynamic';
  }

  private forStatement(node: Node, ctx: WalkContext): void {
    const isAsync = node.child(0)?.type === 'async';
    const right = node.childForFieldName('right');
    if (right) {
      const r = unwrapParens(right);
      if (isAsync && r.type === 'call') this.call(r, ctx, { awaited: true });
      else this.visit(right, ctx);
    }
    const left = node.childForFieldName('left');
    if (left) this.bindTarget(left, ctx, undefined, node.startIndex);
    const inner = { ...ctx, conditional: true };
    for (const field of ['body', 'alternative']) {
      const b = node.childForFieldName(field);
      if (b) this.visit(b, field === 'body' ? ctx : inner);
    }
  }

  private withStatement(node: Node, ctx: WalkContext): void {
    const isAsync = node.child(0)?.type === 'async';
    for (const child of node.namedChildren) {
      if (child.type === 'with_clause') {
        for (const item of child.namedChildren) {
          if (item.type !== 'with_item') continue;
          const value = item.childForFieldName('value');
          if (!value) continue;
          let cm: Node | null = value;
          let alias: Node | null = null;
          if (value.type === 'as_pattern') {
            cm = value.namedChild(0);
            alias = value.childForFieldName('alias');
          }
          const callsBefore = this.calls.length;
          if (cm) {
            const u = unwrapParens(cm);
            if (isAsync && u.type === 'call') this.call(u, ctx, { awaited: true });
            else this.visit(cm, ctx);
          }
          if (alias) {
            const target = alias.namedChild(0) ?? alias;
            // `with open(p) as f`: the call knows the name its result is used under.
            const managed = this.calls[callsBefore];
            if (cm && managed && unwrapParens(cm).type === 'call') managed.fact.assignedTo = target.text;
            this.bindTarget(target, ctx, cm ? this.expr(cm, ctx.scope) : undefined, item.endIndex);
          }
        }
      } else {
        this.visit(child, ctx);
      }
    }
  }

  private exceptClause(node: Node, ctx: WalkContext): void {
    for (const child of node.namedChildren) {
      if (child.type === 'as_pattern') {
        const e = child.namedChild(0);
        if (e) this.visit(e, ctx);
        const alias = child.childForFieldName('alias');
        const target = alias?.namedChild(0) ?? alias;
        if (target) this.bindTarget(target, ctx, undefined, child.endIndex);
      } else {
        this.visit(child, ctx);
      }
    }
  }

  private ifStatement(node: Node, ctx: WalkContext): void {
    const condition = node.childForFieldName('condition');
    const condText = condition ? unwrapParens(condition).text.replace(/\s+/g, ' ') : '';
    const isTypeChecking = /^(typing\.)?TYPE_CHECKING$/.test(condText);
    const isMainGuard = /^__name__ ?== ?(['"])__main__\1$/.test(condText) || /^(['"])__main__\1 ?== ?__name__$/.test(condText);
    if (condition) this.visit(condition, ctx);
    const atModule = this.scopes[ctx.scope].kind === 'module';
    const inner: WalkContext = {
      ...ctx,
      typeChecking: ctx.typeChecking || isTypeChecking,
      mainGuard: ctx.mainGuard || isMainGuard,
      moduleConditional: ctx.moduleConditional || atModule,
      conditional: ctx.conditional || !isMainGuard,
    };
    const consequence = node.childForFieldName('consequence');
    if (consequence) this.visit(consequence, inner);
    const elseCtx: WalkContext = { ...inner, typeChecking: ctx.typeChecking, mainGuard: ctx.mainGuard, conditional: true };
    for (const alt of node.childrenForFieldName('alternative')) this.visit(alt, elseCtx);
  }

  private call(node: Node, ctx: WalkContext, opts: { awaited: boolean; argumentOf?: number }): void {
    if (this.visitDepth >= MAX_NESTING) {
      this.tooDeep = true;
      return;
    }
    this.visitDepth++;
    try {
      this.callNode(node, ctx, opts);
    } finally {
      this.visitDepth--;
    }
  }

  private callNode(node: Node, ctx: WalkContext, opts: { awaited: boolean; argumentOf?: number }): void {
    const fnNode = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    const index = this.calls.length;
    const raw: RawCall = {
      fact: {
        scope: ctx.scope,
        callee: null,
        calleeText: fnNode ? fnNode.text : '',
        range: rangeOf(node),
        calleeRange: fnNode ? rangeOf(fnNode) : rangeOf(node),
        awaited: opts.awaited,
        arguments: [],
        inMainGuard: ctx.mainGuard,
        conditional: ctx.conditional,
      },
      callee: this.expr(fnNode, ctx.scope),
      args: [],
    };
    if (opts.argumentOf !== undefined) raw.fact.argumentOf = opts.argumentOf;
    this.calls.push(raw);
    if (fnNode) this.visit(fnNode, ctx);
    if (!argsNode) return;
    if (argsNode.type === 'generator_expression') {
      this.visit(argsNode, ctx);
      return;
    }
    for (const arg of argsNode.namedChildren) {
      let valueNode: Node | null = arg;
      let keyword: string | undefined;
      let splat: '*' | '**' | undefined;
      if (arg.type === 'keyword_argument') {
        keyword = arg.childForFieldName('name')?.text;
        valueNode = arg.childForFieldName('value');
      } else if (arg.type === 'list_splat') {
        splat = '*';
        valueNode = arg.namedChild(0);
      } else if (arg.type === 'dictionary_splat') {
        splat = '**';
        valueNode = arg.namedChild(0);
      } else if (arg.type === 'comment') {
        continue;
      }
      if (!valueNode) continue;
      const u = unwrapParens(valueNode);
      if (u.type === 'call') this.call(u, ctx, { awaited: false, argumentOf: index });
      else this.visit(valueNode, ctx);
      raw.args.push({ keyword, splat, expr: this.expr(valueNode, ctx.scope), text: valueNode.text.slice(0, 200) });
    }
  }

  // ---------------------------------------------------------------- resolution

  private lookup(id: string, scopeIndex: number, at: number | null): QualifiedName | null {
    let scope = scopeIndex;
    let useAt = at;
    for (;;) {
      const s = this.scopes[scope];
      if (s.globals.has(id) && scope !== 0) {
        scope = 0;
        useAt = null;
        continue;
      }
      if (s.nonlocals.has(id)) {
        const f = this.enclosingFunction(scope);
        if (f === undefined) return null;
        scope = f;
        useAt = null;
        continue;
      }
      const bindings = s.bindings.get(id);
      if (bindings && bindings.length > 0) return this.choose(bindings, useAt);
      // Ascend, skipping class scopes (their names are not visible from nested scopes).
      let parent = s.parent;
      while (parent >= 0 && this.scopes[parent].kind === 'class') parent = this.scopes[parent].parent;
      if (parent < 0) return this.hasStarImport ? this.projectName(id) : `builtins.${id}`;
      scope = parent;
      useAt = null;
    }
  }

  private choose(bindings: Binding[], at: number | null): QualifiedName | null {
    if (at !== null) {
      let before: Binding | undefined;
      for (const b of bindings) if (b.at <= at) before = b;
      if (before) return before.kind === 'none' ? null : this.valueOf(before);
    }
    for (let i = bindings.length - 1; i >= 0; i--) {
      if (bindings[i].kind !== 'none') return this.valueOf(bindings[i]);
    }
    return null;
  }

  private valueOf(b: Binding): QualifiedName | null {
    const cached = this.memo.get(b);
    if (cached !== undefined) return cached;
    if (this.resolving.has(b) || this.resolving.size > MAX_RESOLVE_DEPTH) return null;
    this.resolving.add(b);
    let result: QualifiedName | null = null;
    switch (b.kind) {
      case 'import':
      case 'def':
      case 'class':
        result = b.name;
        break;
      case 'value':
        result = this.resolve(b.expr);
        if (result === null && b.annotation) result = this.instanceOf(b.annotation);
        break;
      case 'instance':
        result = this.instanceOf(b.annotation);
        break;
      case 'self': {
        const cls = this.projectName(this.scopes[b.classScope].qualname);
        result = b.instance ? `${cls}()` : cls;
        break;
      }
      default:
        result = null;
    }
    this.resolving.delete(b);
    this.memo.set(b, result);
    return result;
  }

  private instanceOf(annotation: Expr): QualifiedName | null {
    const t = this.resolve(annotation);
    return t ? `${t}()` : null;
  }

  resolve(e: Expr): QualifiedName | null {
    switch (e.k) {
      case 'name':
        return this.lookup(e.id, e.scope, e.at);
      case 'attr': {
        const base = this.resolve(e.obj);
        return base === null ? null : this.member(base, e.attr);
      }
      case 'call': {
        const fn = this.resolve(e.fn);
        return fn === null ? null : `${fn}()`;
      }
      case 'item': {
        const base = this.resolve(e.obj);
        return base === null ? null : `${base}[]`;
      }
      default:
        return null;
    }
  }

  /** `base.attr`, refined when base is an instance of a class defined in this file. */
  private member(base: QualifiedName, attr: string): QualifiedName {
    if (base.endsWith('()')) {
      const cls = this.classByQualified.get(base.slice(0, -2));
      if (cls !== undefined) {
        const t = this.classAttribute(cls, attr, new Set());
        if (t) return t;
      }
    }
    return `${base}.${attr}`;
  }

  private readonly attributesResolving = new Set<string>();

  private classAttribute(cls: number, attr: string, seen: Set<number>): QualifiedName | null {
    if (seen.has(cls)) return null;
    seen.add(cls);
    // `self.buffer = self.buffer.raw` refers to itself: cut the cycle.
    const key = `${cls}:${attr}`;
    if (this.attributesResolving.has(key)) return null;
    this.attributesResolving.add(key);
    try {
      return this.classAttributeUncached(cls, attr, seen);
    } finally {
      this.attributesResolving.delete(key);
    }
  }

  private classAttributeUncached(cls: number, attr: string, seen: Set<number>): QualifiedName | null {
    const s = this.scopes[cls];
    const assigned = s.selfAssignments.get(attr);
    if (assigned) {
      for (let i = assigned.length - 1; i >= 0; i--) {
        const a = assigned[i];
        const t = (a.expr && !(a.expr.k === 'lit' && a.expr.value.kind === 'none') ? this.resolve(a.expr) : null) ??
          (a.annotation ? this.instanceOf(a.annotation) : null);
        if (t) return t;
      }
    }
    const bindings = s.bindings.get(attr);
    if (bindings) {
      const last = [...bindings].reverse().find((b) => b.kind !== 'none');
      if (last?.kind === 'def') return last.name;
      if (last) {
        const t = this.valueOf(last);
        if (t) return t;
      }
    }
    for (const base of s.rawBases) {
      const b = this.resolve(base);
      const baseIndex = b ? this.classByQualified.get(b) : undefined;
      if (baseIndex !== undefined) {
        const t = this.classAttribute(baseIndex, attr, seen);
        if (t) return t;
      }
    }
    return null;
  }

  private valueFact(e: Expr, text: string): ValueFact {
    switch (e.k) {
      case 'lit':
        return e.value;
      case 'name':
      case 'attr':
      case 'item':
        return { kind: 'ref', name: this.resolve(e), text };
      case 'call':
        return { kind: 'call', name: this.resolve(e), text };
      default:
        return { kind: 'other', text };
    }
  }

  private finish(root: Node): ModuleFacts {
    const calls: CallFact[] = this.calls.map((raw) => {
      const fact = raw.fact;
      fact.callee = this.resolve(raw.callee);
      fact.arguments = raw.args.map((a): ArgumentFact => {
        const arg: ArgumentFact = { value: this.valueFact(a.expr, a.text) };
        if (a.keyword) arg.keyword = a.keyword;
        if (a.splat) arg.splat = a.splat;
        return arg;
      });
      return fact;
    });
    const scopes: ScopeFact[] = this.scopes.map((s, index) => {
      const decorators: DecoratorFact[] = s.rawDecorators.map((d) => ({ name: this.resolve(d.expr), text: d.text, range: d.range }));
      const parameters: ParameterFact[] = s.rawParams.map((p) => {
        const param: ParameterFact = { name: p.name, hasDefault: p.hasDefault };
        const t = p.annotation ? this.instanceOf(p.annotation) : null;
        if (t) param.type = t;
        const d = p.depends ? this.resolve(p.depends) : null;
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
      if (s.globals.size > 0) fact.globals = [...s.globals];
      if (s.generator) fact.generator = true;
      if (s.kind === 'class') {
        fact.bases = s.rawBases.map((b) => this.resolve(b)).filter((b): b is string => b !== null);
        const attributes: Record<string, QualifiedName> = {};
        const names = new Set([...s.selfAssignments.keys(), ...s.bindings.keys()]);
        const methods: string[] = [];
        for (const name of names) {
          const bindings = s.bindings.get(name);
          if (bindings?.some((b) => b.kind === 'def')) {
            methods.push(name);
            continue;
          }
          const t = this.classAttribute(index, name, new Set());
          if (t) attributes[name] = t;
        }
        fact.attributes = attributes;
        fact.methods = methods;
      }
      return fact;
    });
    const symbols: Record<string, QualifiedName> = {};
    for (const [name, bindings] of this.scopes[0].bindings) {
      const v = this.choose(bindings, null);
      if (v !== null) symbols[name] = v;
    }
    const importedNameUses = this.rootNode ? importedNameUsesOf(this.rootNode, this.imports, this.futureAnnotations, this.options.source) : {};
    return {
      path: this.options.path,
      moduleName: this.options.moduleName,
      isPackage: this.options.isPackage,
      scopes,
      imports: this.imports,
      calls,
      symbols,
      importedNameUses,
      assignments: this.rawAssignments.map((a) => ({ name: a.name, value: this.valueFact(a.expr, a.text), range: a.range, valueRange: a.valueRange })),
      suppressions: this.suppressions,
      ...(this.tooDeep ? { tooDeep: true } : {}),
      futureAnnotations: this.futureAnnotations,
      hasStarImport: this.hasStarImport,
      moduleNames: [...this.scopes[0].bindings.keys()],
      ...(Array.isArray(this.declaredAll) ? { declaredAll: this.declaredAll } : {}),
      header: moduleHeader(root),
      lineCount: root.endPosition.row + 1,
      syntaxErrors: this.syntaxErrors,
    };
  }
}

/** The module docstring and `from __future__` imports, and the statement after them (see `ModuleFacts.header`). */
function moduleHeader(root: Node): ModuleFacts['header'] {
  let endLine = 0;
  let first = true;
  for (const child of root.namedChildren) {
    if (child.type === 'comment') continue;
    const isDocstring = first && child.type === 'expression_statement' && child.namedChildCount === 1 && child.namedChild(0)?.type === 'string';
    const isFuture = child.type === 'future_import_statement' || (child.type === 'import_from_statement' && child.childForFieldName('module_name')?.text === '__future__');
    first = false;
    if (isDocstring || isFuture) {
      endLine = child.endPosition.row + 1;
      continue;
    }
    return { endLine, nextLine: child.startPosition.row + 1, nextIsDefinition: /^(decorated_definition|function_definition|class_definition)$/.test(child.type) };
  }
  return { endLine, nextLine: 0, nextIsDefinition: false };
}

/**
 * How each name bound by a module-level import is used: at import time (module-level code, class
 * bodies, decorators, default values, bases, evaluated annotations), only in annotations that are
 * not evaluated (`from __future__ import annotations`), or inside functions (which ones).
 */
function importedNameUsesOf(root: Node, imports: ImportFact[], futureAnnotations: boolean, source?: string): Record<string, NameUse> {
  const names = new Set(imports.filter((i) => i.scope === 0 && !i.star).map((i) => i.boundAs));
  const uses: Record<string, NameUse> = {};
  if (names.size === 0) return uses;
  // Only the occurrences of the imported names, found in the text (positions are UTF-16 indices,
  // as tree-sitter's when it parses a JS string), not every identifier of the module.
  const candidates: Node[] = [];
  if (source !== undefined) {
    const pattern = new RegExp(`(?<![\\w.])(${[...names].map((n) => n.replace(/[$]/g, '\\$&')).join('|')})(?!\\w)`, 'gu');
    for (const m of source.matchAll(pattern)) {
      const node = root.descendantForIndex(m.index!, m.index! + m[0].length);
      if (node && node.type === 'identifier' && node.startIndex === m.index && node.endIndex === m.index! + m[0].length) candidates.push(node);
    }
  } else {
    for (const id of root.descendantsOfType('identifier')) if (id && names.has(id.text)) candidates.push(id);
  }
  for (const id of candidates) {
    if (!names.has(id.text)) continue;
    const where = identifierUse(id, futureAnnotations);
    if (where === undefined) continue;
    const use = (uses[id.text] ??= { importTime: false, annotation: false, functions: [] });
    if (where === 'import-time') use.importTime = true;
    else if (where === 'annotation') use.annotation = true;
    else if (!use.functions.includes(where.function) && use.functions.length < 5) use.functions.push(where.function);
  }
  return uses;
}

type UseSite = 'import-time' | 'annotation' | { function: string };

function identifierUse(id: Node, futureAnnotations: boolean): UseSite | undefined {
  let child: Node = id;
  let parent = id.parent;
  let annotation = false;
  let runtimeIn: string | undefined;
  while (parent) {
    const type = parent.type;
    if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') return undefined;
    if (type === 'attribute' && parent.childForFieldName('attribute')?.id === child.id) return undefined;
    if (type === 'keyword_argument' && parent.childForFieldName('name')?.id === child.id) return undefined;
    if ((type === 'typed_parameter' || type === 'typed_default_parameter') && parent.childForFieldName('type')?.id === child.id) annotation = true;
    if (type === 'assignment' && parent.childForFieldName('type')?.id === child.id) annotation = true;
    if (type === 'function_definition') {
      if (parent.childForFieldName('body')?.id === child.id) {
        // Runs when the function is called: remember the outermost named function.
        runtimeIn = parent.childForFieldName('name')?.text ?? runtimeIn;
        annotation = false;
      } else if (parent.childForFieldName('return_type')?.id === child.id) annotation = true;
    }
    if (type === 'lambda' && parent.childForFieldName('body')?.id === child.id && runtimeIn === undefined) runtimeIn = '<lambda>';
    child = parent;
    parent = parent.parent;
  }
  if (runtimeIn !== undefined) return { function: runtimeIn };
  if (annotation) return futureAnnotations ? 'annotation' : 'import-time';
  return 'import-time';
}
