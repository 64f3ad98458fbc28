/**
 * Scopes and the names bound in them: a name assigned anywhere in a function is local to it,
 * `global` / `nonlocal` redirect the binding, `self.x = …` in a method is an attribute of the class.
 */

import type { Node } from 'web-tree-sitter';
import type { ScopeKind } from './facts.js';
import { projectName, type Binding, type ExtractionState, type Expr } from './extract-state.js';
import { rangeOf, unwrapParens } from './syntax.js';

export function newScope(x: ExtractionState, kind: ScopeKind, name: string, parent: number, isAsync: boolean, node: Node): number {
  const parentScope = parent >= 0 ? x.scopes[parent] : undefined;
  let qualname = name;
  if (parentScope && parentScope.kind !== 'module') {
    qualname = parentScope.kind === 'class' ? `${parentScope.qualname}.${name}` : `${parentScope.qualname}.<locals>.${name}`;
  }
  const index = x.scopes.length;
  let loopFunction = -1;
  if (kind === 'function' && isAsync) loopFunction = index;
  else if (kind === 'comprehension' && parentScope) loopFunction = parentScope.loopFunction;
  x.scopes.push({
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
  if (kind === 'class') x.classByQualified.set(projectName(x, qualname), index);
  return index;
}

/** The nearest function scope around `scope` (not `scope` itself). */
export function enclosingFunction(x: ExtractionState, scope: number): number | undefined {
  let p = x.scopes[scope].parent;
  while (p >= 0) {
    if (x.scopes[p].kind === 'function') return p;
    p = x.scopes[p].parent;
  }
  return undefined;
}

export function bind(x: ExtractionState, scope: number, name: string, binding: Binding): void {
  let target = scope;
  const s = x.scopes[scope];
  if (s.globals.has(name)) target = 0;
  else if (s.nonlocals.has(name)) target = enclosingFunction(x, scope) ?? scope;
  const list = x.scopes[target].bindings.get(name);
  if (list) list.push(binding);
  else x.scopes[target].bindings.set(name, [binding]);
}

/** `global a, b` / `nonlocal a, b`. */
export function declareNames(x: ExtractionState, node: Node, scope: number, which: 'globals' | 'nonlocals'): void {
  for (const id of node.namedChildren) if (id.type === 'identifier') x.scopes[scope][which].add(id.text);
}

/** Binds the names of an assignment target in `scope`. */
export function bindTarget(x: ExtractionState, target: Node, scope: number, value: Expr | undefined, at: number, annotation?: Expr): void {
  const t = unwrapParens(target);
  switch (t.type) {
    case 'identifier':
      bindName(x, scope, t.text, value, at, annotation);
      return;
    case 'attribute':
      selfAttribute(x, t, scope, value, annotation);
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'list_splat_pattern':
    case 'list_splat':
      for (const child of t.namedChildren) bindTarget(x, child, scope, undefined, at);
      return;
    default:
      return; // subscripts and other targets bind no name
  }
}

function bindName(x: ExtractionState, scope: number, name: string, value: Expr | undefined, at: number, annotation?: Expr): void {
  if (value && value.k === 'lit' && value.value.kind === 'none' && !annotation) {
    bind(x, scope, name, { at, kind: 'none' });
  } else if (value) {
    bind(x, scope, name, { at, kind: 'value', expr: value, annotation });
  } else if (annotation) {
    bind(x, scope, name, { at, kind: 'instance', annotation });
  } else {
    bind(x, scope, name, { at, kind: 'unknown' });
  }
}

/** `self.x = …` inside a method: an instance attribute of the class. */
function selfAttribute(x: ExtractionState, target: Node, scope: number, value: Expr | undefined, annotation?: Expr): void {
  const obj = target.childForFieldName('object');
  const attr = target.childForFieldName('attribute');
  const s = x.scopes[scope];
  if (obj?.type === 'identifier' && attr && s.kind === 'function' && s.parent >= 0) {
    const cls = x.scopes[s.parent];
    const first = s.rawParams[0];
    if (cls.kind === 'class' && first && first.name === obj.text) {
      const list = cls.selfAssignments.get(attr.text) ?? [];
      list.push({ expr: value, annotation });
      cls.selfAssignments.set(attr.text, list);
    }
  }
}
