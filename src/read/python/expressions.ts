/**
 * Expressions as the walk records them (names with their scope and position, attributes, calls,
 * subscripts, literals), and the core type of an annotation. Resolved after the walk (resolution.ts).
 */

import type { Node } from 'web-tree-sitter';
import { MAX_NESTING, type ExtractionState, type Expr } from './extract-state.js';
import { stringContent, unwrapParens } from './syntax.js';

/** The expression of `node` in `scope`; `other` past the nesting limit (which marks the module too deep). */
export function expr(x: ExtractionState, node: Node | null, scope: number): Expr {
  if (!node) return { k: 'other' };
  if (x.exprDepth >= MAX_NESTING) {
    x.tooDeep = true;
    return { k: 'other' };
  }
  x.exprDepth++;
  try {
    return exprOf(x, node, scope);
  } finally {
    x.exprDepth--;
  }
}

function exprOf(x: ExtractionState, node: Node, scope: number): Expr {
  const n = unwrapParens(node);
  switch (n.type) {
    case 'identifier':
      return { k: 'name', id: n.text, scope, at: n.startIndex };
    case 'attribute': {
      const attr = n.childForFieldName('attribute');
      return { k: 'attr', obj: expr(x, n.childForFieldName('object'), scope), attr: attr ? attr.text : '' };
    }
    case 'call':
      return { k: 'call', fn: expr(x, n.childForFieldName('function'), scope) };
    case 'subscript':
      return { k: 'item', obj: expr(x, n.childForFieldName('value'), scope) };
    case 'string': {
      const s = stringContent(n);
      return s === null ? { k: 'other' } : { k: 'lit', value: { kind: 'str', value: s } };
    }
    case 'concatenated_string':
      return concatenatedString(n);
    case 'integer':
    case 'float':
      return { k: 'lit', value: { kind: 'num', value: n.text } };
    case 'true':
      return { k: 'lit', value: { kind: 'bool', value: true } };
    case 'false':
      return { k: 'lit', value: { kind: 'bool', value: false } };
    case 'none':
      return { k: 'lit', value: { kind: 'none' } };
    case 'binary_operator':
      // `base / "name"` is `base.joinpath("name")` for a `pathlib.Path` (and nothing known otherwise).
      if (n.child(1)?.type === '/') return { k: 'call', fn: { k: 'attr', obj: expr(x, n.childForFieldName('left'), scope), attr: 'joinpath' } };
      return { k: 'other' };
    default:
      return { k: 'other' };
  }
}

function concatenatedString(n: Node): Expr {
  let s = '';
  for (const part of n.namedChildren) {
    const c = stringContent(part);
    if (c === null) return { k: 'other' };
    s += c;
  }
  return { k: 'lit', value: { kind: 'str', value: s } };
}

/** The core type of an annotation: `Annotated[T, ...]`, `Optional[T]`, `T | None`, `"T"` → T. */
export function annotationExpr(x: ExtractionState, node: Node | null, scope: number): Expr | undefined {
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
      return expr(x, n, scope);
    case 'string':
      return stringAnnotation(n, scope);
    case 'binary_operator': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (right && unwrapParens(right).type === 'none') return annotationExpr(x, left, scope);
      if (left && unwrapParens(left).type === 'none') return annotationExpr(x, right, scope);
      return undefined;
    }
    case 'generic_type':
    case 'subscript':
      return genericAnnotation(x, n, scope);
    default:
      return undefined;
  }
}

/**
 * The class an annotation says a name holds itself (not an instance of): `Type[X]`, `type[X]`,
 * `typing.Type[X]`, also inside `Optional[...]` / `| None`. Calling such a parameter makes an X.
 */
export function classAnnotationExpr(x: ExtractionState, node: Node | null, scope: number): Expr | undefined {
  if (!node) return undefined;
  let n = unwrapParens(node);
  if (n.type === 'type') n = unwrapParens(n.namedChild(0) ?? n);
  if (n.type === 'binary_operator') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (right && unwrapParens(right).type === 'none') return classAnnotationExpr(x, left, scope);
    if (left && unwrapParens(left).type === 'none') return classAnnotationExpr(x, right, scope);
    return undefined;
  }
  if (n.type !== 'generic_type' && n.type !== 'subscript') return undefined;
  const head = n.type === 'generic_type' ? n.namedChild(0) : n.childForFieldName('value');
  const headName = head?.text.split('.').pop();
  const params =
    n.type === 'generic_type'
      ? (n.namedChildren.find((c) => c.type === 'type_parameter')?.namedChildren ?? [])
      : n.childrenForFieldName('subscript');
  if (headName === 'Optional' || headName === 'Annotated') return classAnnotationExpr(x, params[0] ?? null, scope);
  if ((headName === 'Type' || headName === 'type') && params.length === 1) return annotationExpr(x, params[0], scope);
  return undefined;
}

/** `"app.models.User"` → the dotted name. */
function stringAnnotation(n: Node, scope: number): Expr | undefined {
  const s = stringContent(n);
  if (!s || !/^[A-Za-z_][\w.]*$/.test(s)) return undefined;
  const parts = s.split('.');
  let e: Expr = { k: 'name', id: parts[0], scope, at: n.startIndex };
  for (const p of parts.slice(1)) e = { k: 'attr', obj: e, attr: p };
  return e;
}

/** `Annotated[T, …]`, `Optional[T]`, `Union[T, None]` → T; `IO[str]` → IO. */
function genericAnnotation(x: ExtractionState, n: Node, scope: number): Expr | undefined {
  const head = n.type === 'generic_type' ? n.namedChild(0) : n.childForFieldName('value');
  const headName = head ? head.text.split('.').pop() : undefined;
  const params =
    n.type === 'generic_type'
      ? (n.namedChildren.find((c) => c.type === 'type_parameter')?.namedChildren ?? [])
      : n.childrenForFieldName('subscript');
  if (headName === 'Annotated' || headName === 'Optional') return annotationExpr(x, params[0] ?? null, scope);
  // `IO[str]` is a file object whatever it holds.
  if (headName === 'IO' && head) return expr(x, head, scope);
  if (headName === 'Union') {
    const nonNone = params.filter((p) => unwrapParens(p.type === 'type' ? (p.namedChild(0) ?? p) : p).type !== 'none');
    return nonNone.length === 1 ? annotationExpr(x, nonNone[0], scope) : undefined;
  }
  return undefined;
}
