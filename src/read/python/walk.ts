/**
 * The one walk over a module's tree: each node goes to the concern that records it (definitions,
 * imports, assignments, calls, compound statements); other nodes are walked through. The walk
 * stops descending past MAX_NESTING and marks the module too deep.
 */

import type { Node } from 'web-tree-sitter';
import { MAX_NESTING, type ExtractionState, type WalkContext } from './extract-state.js';
import { assignment, augmentedAssignment, namedExpression } from './assignments.js';
import { call } from './calls.js';
import { block, exceptClause, forStatement, ifStatement, tryStatement, whileStatement, withStatement } from './compound-statements.js';
import { classDefinition, comprehension, decoratedDefinition, functionDefinition, lambda } from './definitions.js';
import { importStatement } from './imports.js';
import { declareNames } from './scopes.js';
import { expr } from './expressions.js';
import { errorNode } from './syntax-errors.js';
import { unwrapParens } from './syntax.js';

/**
 * Nodes the walk has nothing to record below: leaves, the commonest nodes of all (not asking for
 * their children saves two calls into WebAssembly each), and comments (suppression comments are
 * collected in one native query before the walk).
 */
const NOTHING_BELOW: ReadonlySet<string> = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'pass_statement', 'break_statement', 'continue_statement', 'comment']);

export function visit(x: ExtractionState, node: Node, ctx: WalkContext): void {
  // Deeply nested code (10 000 brackets) must not exhaust the stack: stop descending and say so.
  if (x.visitDepth >= MAX_NESTING) {
    x.tooDeep = true;
    return;
  }
  x.visitDepth++;
  try {
    visitNode(x, node, ctx);
  } finally {
    x.visitDepth--;
  }
}

function visitNode(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const type = node.type;
  if (NOTHING_BELOW.has(type)) return;
  // Only an f-string (or t-string) has code inside: its interpolations.
  if (type === 'string' && !hasInterpolations(x, node)) return;
  switch (type) {
    case 'ERROR':
      return errorNode(x, node, ctx);
    case 'decorated_definition':
      return decoratedDefinition(x, node, ctx);
    case 'function_definition':
      return functionDefinition(x, node, ctx, []);
    case 'class_definition':
      return classDefinition(x, node, ctx, []);
    case 'lambda':
      return lambda(x, node, ctx);
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression':
      return comprehension(x, node, ctx);
    case 'yield':
      return yieldExpression(x, node, ctx);
    case 'return_statement':
      return returnStatement(x, node, ctx);
    case 'import_statement':
    case 'import_from_statement':
    case 'future_import_statement':
      return importStatement(x, node, ctx);
    case 'assignment':
      return assignment(x, node, ctx);
    case 'augmented_assignment':
      return augmentedAssignment(x, node, ctx);
    case 'named_expression':
      return namedExpression(x, node, ctx);
    case 'global_statement':
      return declareNames(x, node, ctx.scope, 'globals');
    case 'nonlocal_statement':
      return declareNames(x, node, ctx.scope, 'nonlocals');
    case 'block':
      return block(x, node, ctx);
    case 'if_statement':
      return ifStatement(x, node, ctx);
    case 'try_statement':
      return tryStatement(x, node, ctx);
    case 'for_statement':
      return forStatement(x, node, ctx);
    case 'while_statement':
      return whileStatement(x, node, ctx);
    case 'with_statement':
      return withStatement(x, node, ctx);
    case 'except_clause':
      return exceptClause(x, node, ctx);
    case 'await':
      return awaitExpression(x, node, ctx);
    case 'call':
      return call(x, node, ctx, { awaited: false });
  }
  if (node.namedChildCount > 0) for (const child of node.namedChildren) visit(x, child, ctx);
}

/**
 * Whether a string literal can hold interpolations: its prefix (the letters before the quote, read
 * from the source at the node's start) has an `f` or a `t`. Without the source, assume it can.
 */
function hasInterpolations(x: ExtractionState, node: Node): boolean {
  const source = x.options.source;
  if (source === undefined) return true;
  for (let i = node.startIndex; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22 || c === 0x27) return false; // the quote: no f or t before it
    if (c === 0x66 || c === 0x46 || c === 0x74 || c === 0x54) return true; // f F t T
  }
  return true;
}

/** What a function returns, for the types that flow from calls (`s = get_session()`). */
function returnStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const scope = x.scopes[ctx.scope];
  const value = node.namedChild(0);
  if (scope.kind === 'function' && value && value.type !== 'none' && value.type !== 'expression_list') {
    (scope.rawReturns ??= []).push(expr(x, value, ctx.scope));
  }
  x.visitChildren(node, ctx);
}

/** A generator's body runs when it is iterated, not when it is called. */
function yieldExpression(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const scope = x.scopes[ctx.scope];
  if (scope.kind === 'function') {
    scope.generator = true;
    // `yield value` (not `yield from`): what a context manager built on this generator hands to `with ... as`.
    const value = node.namedChild(0);
    if (value && node.child(1)?.type !== 'from') (scope.rawYields ??= []).push(expr(x, value, ctx.scope));
  }
  x.visitChildren(node, ctx);
}

function awaitExpression(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const inner = node.namedChild(0);
  if (!inner) return;
  const target = unwrapParens(inner);
  if (target.type === 'call') call(x, target, ctx, { awaited: true });
  else visit(x, inner, ctx);
}
