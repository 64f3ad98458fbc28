/**
 * Assignments: `a = b = value`, annotated assignments, tuple unpacking, the walrus, augmented
 * assignments. They bind names (with the value or the annotation as the name's type), record
 * module-level `name = value` and `__all__`, tell a call where its result goes, and tell a
 * memoisation guard around them that its block sets the guarded name.
 */

import type { Node } from 'web-tree-sitter';
import type { ExtractionState, Expr, WalkContext } from './extract-state.js';
import { annotationExpr, expr } from './expressions.js';
import { recordDeclaredAll } from './module-header.js';
import { bindTarget } from './scopes.js';
import { rangeOf, sameRange, unwrapParens } from './syntax.js';

/** `a = b: T = value`: the targets, the annotation, and the innermost right-hand side. */
interface AssignmentChain {
  targets: Node[];
  annotationNode: Node | null;
  value: Node | null;
}

function assignmentChain(node: Node): AssignmentChain {
  const targets: Node[] = [];
  let annotationNode: Node | null = null;
  let current: Node | null = node;
  while (current && current.type === 'assignment') {
    const left = current.childForFieldName('left');
    if (left) targets.push(left);
    annotationNode ??= current.childForFieldName('type');
    current = current.childForFieldName('right');
  }
  return { targets, annotationNode, value: current };
}

/** a = b = value: the innermost right-hand side is the value of every target. */
export function assignment(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const callsBefore = x.calls.length;
  const { targets, annotationNode, value } = assignmentChain(node);
  if (value) x.visit(value, ctx);
  if (annotationNode) x.visit(annotationNode, ctx);
  for (const t of targets) if (t.type !== 'identifier') x.visitChildren(t, ctx);
  if (value) markAssignedCall(x, value, targets, callsBefore);
  noteGuardedAssignment(ctx, targets);
  if (ctx.scope === 0 && targets.some((t) => t.type === 'identifier' && t.text === '__all__')) {
    x.declaredAll = undefined;
    recordDeclaredAll(x, value, true);
  }
  const annotation = annotationExpr(x, annotationNode, ctx.scope);
  for (const target of targets) bindAssigned(x, node, target, value, annotation, ctx.scope);
}

/** An assignment to the target of a memoisation guard around it, in the guard's function, sets it. */
function noteGuardedAssignment(ctx: WalkContext, targets: readonly Node[]): void {
  for (let g = ctx.onceGuard; g; g = g.outer) {
    if (g.scope !== ctx.scope) continue;
    for (const t of targets) {
      const u = unwrapParens(t);
      const names = u.type === 'pattern_list' || u.type === 'tuple_pattern' ? u.namedChildren : [u];
      // `CACHE[key] = value` stores into the cache a `CACHE[]` guard tests.
      const written = (n: Node): string => (n.type === 'subscript' ? `${n.childForFieldName('value')?.text ?? ''}[]` : n.text).replace(/\s+/g, '');
      if (names.some((n) => written(n) === g.name)) g.assigned = true;
    }
  }
}

/** `x = Client()` / `app.state.c = await make()`: the call knows where its result goes. */
function markAssignedCall(x: ExtractionState, value: Node, targets: Node[], callsBefore: number): void {
  const called = unwrapParens(value.type === 'await' && value.namedChildren[0] ? value.namedChildren[0] : value);
  if (called.type !== 'call') return;
  const start = rangeOf(called);
  const raw = x.calls.slice(callsBefore).find((c) => sameRange(c.fact.range, start));
  if (raw) raw.fact.assignedTo = targets.map((t) => t.text).join(' = ');
}

function bindAssigned(x: ExtractionState, node: Node, target: Node, value: Node | null, annotation: Expr | undefined, scope: number): void {
  const t = unwrapParens(target);
  const v = value ? unwrapParens(value) : null;
  // a, b = x(), y(): pairwise when both sides have the same length
  if ((t.type === 'pattern_list' || t.type === 'tuple_pattern') && v && (v.type === 'expression_list' || v.type === 'tuple')) {
    const ts = t.namedChildren;
    const vs = v.namedChildren;
    if (ts.length === vs.length) {
      ts.forEach((tt, i) => bindTarget(x, tt, scope, expr(x, vs[i], scope), node.endIndex));
      return;
    }
  }
  const valueExpr = value ? expr(x, value, scope) : undefined;
  bindTarget(x, target, scope, valueExpr, node.endIndex, annotation);
  // Per-request state a middleware or dependency sets: `request.state.db = SessionLocal()`.
  if (t.type === 'attribute' && valueExpr && /\.state\.[A-Za-z_]\w*$/.test(t.text.replace(/\s+/g, ''))) {
    x.stateAssignments.push({ target: expr(x, t, scope), value: valueExpr, range: rangeOf(t) });
  }
  if (scope === 0 && t.type === 'identifier' && value && valueExpr) {
    x.assignments.push({ name: t.text, expr: valueExpr, text: value.text, range: rangeOf(t), valueRange: rangeOf(value) });
  }
}

/** `x += value`: binds nothing new; `__all__ += [...]` extends the exported names. */
export function augmentedAssignment(x: ExtractionState, node: Node, ctx: WalkContext): void {
  if (ctx.scope === 0 && node.childForFieldName('left')?.text === '__all__') {
    recordDeclaredAll(x, node.childForFieldName('right'), node.childForFieldName('operator')?.text === '+=');
  }
  x.visitChildren(node, ctx);
}

/** `(name := value)` binds in the nearest scope that is not a comprehension. */
export function namedExpression(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  if (value) x.visit(value, ctx);
  let scope = ctx.scope;
  while (x.scopes[scope].kind === 'comprehension') scope = x.scopes[scope].parent;
  if (name) bindTarget(x, name, scope, expr(x, value, ctx.scope), node.endIndex);
}
