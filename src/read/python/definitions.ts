/**
 * Definitions and the scopes they open: decorated definitions, functions and their parameters
 * (annotations, defaults, FastAPI `Depends`), classes and their bases, lambdas, comprehensions.
 */

import type { Node } from 'web-tree-sitter';
import { projectName, type ExtractionState, type Expr, type RawDecorator, type RawParameter, type SelfBinding, type WalkContext } from './extract-state.js';
import { annotationExpr, classAnnotationExpr, expr } from './expressions.js';
import { bind, bindTarget, newScope } from './scopes.js';
import { rangeOf, unwrapParens } from './syntax.js';

const COMPREHENSIONS: Record<string, string> = {
  list_comprehension: '<listcomp>',
  set_comprehension: '<setcomp>',
  dictionary_comprehension: '<dictcomp>',
  generator_expression: '<genexpr>',
};

/** Decorators are evaluated in the enclosing scope, then belong to the definition they decorate. */
export function decoratedDefinition(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const decorators: RawDecorator[] = [];
  let definition: Node | null = null;
  for (const child of node.namedChildren) {
    if (child.type === 'decorator') {
      const e = child.namedChild(0);
      if (e) x.visit(e, ctx);
      decorators.push({ expr: expr(x, e, ctx.scope), text: e ? e.text : '', range: rangeOf(child) });
    } else if (child.type !== 'comment') {
      definition = child;
    }
  }
  if (definition?.type === 'function_definition') functionDefinition(x, definition, ctx, decorators);
  else if (definition?.type === 'class_definition') classDefinition(x, definition, ctx, decorators);
  else if (definition) x.visit(definition, ctx);
}

/** The context of a function or class body: a new scope, no condition of the enclosing scope. */
function bodyContext(ctx: WalkContext, scope: number): WalkContext {
  return { scope, typeChecking: ctx.typeChecking, moduleConditional: false, mainGuard: ctx.mainGuard, conditional: false };
}

export function functionDefinition(x: ExtractionState, node: Node, ctx: WalkContext, decorators: RawDecorator[]): void {
  const nameNode = node.childForFieldName('name');
  const name = nameNode ? nameNode.text : '<function>';
  const isAsync = node.child(0)?.type === 'async';
  const scope = newScope(x, 'function', name, ctx.scope, isAsync, node);
  const s = x.scopes[scope];
  s.rawDecorators = decorators;
  if (nameNode) s.nameRange = rangeOf(nameNode);
  const isMethod = x.scopes[ctx.scope].kind === 'class';
  const decoratorNames = decorators.map((d) => d.text.split('(')[0].split('.').pop());
  const firstIsSelf = isMethod && !decoratorNames.includes('staticmethod');
  const firstIsClass = firstIsSelf && decoratorNames.includes('classmethod');

  const params = node.childForFieldName('parameters');
  let index = 0;
  for (const p of params ? params.namedChildren : []) {
    parameter(x, p, ctx, scope, () => {
      const i = index++;
      return i === 0 && firstIsSelf ? { at: -1, kind: 'self', classScope: ctx.scope, instance: !firstIsClass } : undefined;
    });
  }
  const returnType = node.childForFieldName('return_type');
  if (returnType) {
    x.visit(returnType, ctx);
    const annotated = optionalInner(returnType);
    if (annotated) s.rawReturnType = expr(x, annotated, ctx.scope);
  }
  bind(x, ctx.scope, name, { at: node.endIndex, kind: 'def', name: projectName(x, s.qualname) });
  const body = node.childForFieldName('body');
  if (body) {
    const first = firstStatement(body);
    if (first && first.startPosition.row > node.startPosition.row) s.bodyStart = { line: first.startPosition.row + 1, column: first.startPosition.column + 1 };
    x.visit(body, bodyContext(ctx, scope));
  }
}

/** The first statement of a body that is not its docstring (nor a comment). */
function firstStatement(body: Node): Node | undefined {
  const statements = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const docstring = statements[0]?.type === 'expression_statement' && statements[0].namedChild(0)?.type === 'string';
  return statements[docstring ? 1 : 0];
}

interface ParameterParts {
  nameNode: Node | null;
  typeNode: Node | null;
  valueNode: Node | null;
}

/** Name, annotation and default of a parameter node; undefined for the `*` and `/` separators. */
function parameterParts(p: Node): ParameterParts | undefined {
  switch (p.type) {
    case 'identifier':
      return { nameNode: p, typeNode: null, valueNode: null };
    case 'typed_parameter': {
      const nameNode = p.namedChildren.find((c) => c.type === 'identifier') ?? null;
      if (nameNode) return { nameNode, typeNode: p.childForFieldName('type'), valueNode: null };
      // *args: T / **kwargs: T
      const splat = p.namedChildren.find((c) => c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern');
      return { nameNode: splat?.namedChild(0) ?? null, typeNode: null, valueNode: null };
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return { nameNode: p.childForFieldName('name'), typeNode: p.childForFieldName('type'), valueNode: p.childForFieldName('value') };
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return { nameNode: p.namedChild(0), typeNode: null, valueNode: null };
    default:
      return undefined;
  }
}

/** The token between a function's qualified name and an unannotated parameter's name. */
export const PARAMETER = '<param>';

/** One parameter: defaults and annotations are evaluated in the enclosing scope. */
function parameter(x: ExtractionState, p: Node, ctx: WalkContext, scope: number, selfBinding: () => SelfBinding | undefined): void {
  const parts = parameterParts(p);
  if (!parts) return;
  const { nameNode, typeNode, valueNode } = parts;
  if (typeNode) x.visit(typeNode, ctx);
  if (valueNode) x.visit(valueNode, ctx);
  if (!nameNode || nameNode.type !== 'identifier') return;
  const classOf = classAnnotationExpr(x, typeNode, ctx.scope);
  const annotation = classOf ? undefined : annotationExpr(x, typeNode, ctx.scope);
  const dependency = dependencyOf(valueNode, typeNode);
  const depends = dependency ? expr(x, dependency, ctx.scope) : undefined;
  const raw: RawParameter = { name: nameNode.text, annotation, hasDefault: valueNode !== null, depends };
  if (valueNode && /^(None|False|0|''|""|\(\)|\[\]|\{\})$/.test(valueNode.text)) raw.falsyDefault = true;
  x.scopes[scope].rawParams.push(raw);
  const self = selfBinding();
  if (self) bind(x, scope, nameNode.text, self);
  // `factory: Type[ProviderFactory]`: the class itself, so `factory(config)` makes a ProviderFactory.
  else if (classOf) bind(x, scope, nameNode.text, { at: -1, kind: 'value', expr: classOf });
  else if (annotation) bind(x, scope, nameNode.text, { at: -1, kind: 'instance', annotation });
  // Unannotated: a name of its own (`app.crud.get_user.<param>.db`), which the project may type from the calls it gets.
  else bind(x, scope, nameNode.text, { at: -1, kind: 'import', name: `${projectName(x, x.scopes[scope].qualname)}.${PARAMETER}.${nameNode.text}` });
}

/** `Depends(f)` / `Security(f)` / `Depends(dependency=f)`, as the default or in `Annotated[T, …]`: f. */
function dependencyOf(valueNode: Node | null, typeNode: Node | null): Node | null {
  let dep = dependsCall(valueNode);
  if (!dep && typeNode) {
    for (const call of typeNode.descendantsOfType('call')) {
      dep = dependsCall(call);
      if (dep) break;
    }
  }
  if (!dep) return null;
  const args = dep.childForFieldName('arguments');
  const first = args?.namedChildren.find((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
  const kw = args?.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'dependency');
  return first ?? kw?.childForFieldName('value') ?? null;
}

function dependsCall(n: Node | null): Node | null {
  if (!n) return null;
  const u = unwrapParens(n);
  if (u.type === 'call') {
    const fn = u.childForFieldName('function');
    if (fn && /(^|\.)(Depends|Security)$/.test(fn.text)) return u;
  }
  return null;
}

export function classDefinition(x: ExtractionState, node: Node, ctx: WalkContext, decorators: RawDecorator[]): void {
  const nameNode = node.childForFieldName('name');
  const name = nameNode ? nameNode.text : '<class>';
  const supers = node.childForFieldName('superclasses');
  const bases: Expr[] = [];
  if (supers) {
    x.visit(supers, ctx);
    for (const b of supers.namedChildren) if (b.type !== 'keyword_argument') bases.push(expr(x, b, ctx.scope));
  }
  const scope = newScope(x, 'class', name, ctx.scope, false, node);
  const s = x.scopes[scope];
  s.rawDecorators = decorators;
  s.rawBases = bases;
  if (nameNode) s.nameRange = rangeOf(nameNode);
  bind(x, ctx.scope, name, { at: node.endIndex, kind: 'class', name: projectName(x, s.qualname) });
  const body = node.childForFieldName('body');
  if (body) x.visitChildren(body, bodyContext(ctx, scope));
}

export function lambda(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const scope = newScope(x, 'lambda', '<lambda>', ctx.scope, false, node);
  const params = node.childForFieldName('parameters');
  for (const p of params ? params.namedChildren : []) parameter(x, p, ctx, scope, () => undefined);
  const body = node.childForFieldName('body');
  if (body) x.visit(body, { ...ctx, scope, conditional: false });
}

/** A comprehension is a scope; its first iterable is evaluated in the enclosing scope. */
export function comprehension(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const scope = newScope(x, 'comprehension', COMPREHENSIONS[node.type] ?? '<comp>', ctx.scope, false, node);
  const inner: WalkContext = { ...ctx, scope };
  let first = true;
  for (const child of node.namedChildren) {
    if (child.type === 'for_in_clause') {
      const right = child.childForFieldName('right');
      if (right) x.visit(right, first ? ctx : inner);
      first = false;
      for (const left of child.childrenForFieldName('left')) bindTarget(x, left, scope, undefined, -1);
    } else {
      x.visit(child, inner);
    }
  }
}

/**
 * The type a return annotation names: `T`, `Optional[T]`, `T | None`, `"T"` left out (a forward
 * reference needs no import, so its name may resolve to nothing); null for anything else.
 */
function optionalInner(annotation: Node): Node | null {
  let n: Node | null = annotation.type === 'type' ? annotation.namedChild(0) : annotation;
  if (n?.type === 'binary_operator' && n.child(1)?.type === '|') {
    const sides = [n.childForFieldName('left'), n.childForFieldName('right')].filter((side) => side && side.text !== 'None');
    n = sides.length === 1 ? sides[0] : null;
  } else if ((n?.type === 'subscript' || n?.type === 'generic_type') && /^(typing\.)?Optional$/.test(n.namedChild(0)?.text ?? '')) {
    const inner = n.type === 'subscript' ? n.childForFieldName('subscript') : n.namedChild(1)?.namedChild(0);
    n = inner ?? null;
  }
  if (n?.type === 'type') n = n.namedChild(0);
  return n && (n.type === 'identifier' || n.type === 'attribute') ? n : null;
}
