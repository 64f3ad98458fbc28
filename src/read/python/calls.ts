/**
 * Calls and the shapes of their arguments. A call is recorded before the calls in its arguments
 * (which point back to it with `argumentOf`); callee and argument values are resolved after the walk.
 */

import type { Node } from 'web-tree-sitter';
import { MAX_NESTING, type ExtractionState, type RawArgument, type RawCall, type WalkContext } from './extract-state.js';
import { expr } from './expressions.js';
import { calleeRangeOf } from './facts.js';
import { rangeOf, sameRange, unwrapParens } from './syntax.js';

export interface CallSite {
  awaited: boolean;
  /** The index of the call this one is an argument of. */
  argumentOf?: number;
}

/** Records a call and walks its callee and arguments (within the walk's depth guard). */
export function call(x: ExtractionState, node: Node, ctx: WalkContext, site: CallSite): void {
  if (x.visitDepth >= MAX_NESTING) {
    x.tooDeep = true;
    return;
  }
  x.visitDepth++;
  try {
    recordCall(x, node, ctx, site);
  } finally {
    x.visitDepth--;
  }
}

function recordCall(x: ExtractionState, node: Node, ctx: WalkContext, site: CallSite): void {
  const fnNode = node.childForFieldName('function');
  const argsNode = node.childForFieldName('arguments');
  const index = x.calls.length;
  const raw: RawCall = {
    fact: {
      scope: ctx.scope,
      callee: null,
      calleeText: fnNode ? fnNode.text : '',
      range: rangeOf(node),
      arguments: [],
    },
    callee: expr(x, fnNode, ctx.scope),
    args: [],
  };
  // Kept only when it cannot be told from the call's range and the callee's text (facts.ts).
  const calleeRange = fnNode ? rangeOf(fnNode) : raw.fact.range;
  if (!sameRange(calleeRange, calleeRangeOf(raw.fact))) raw.fact.calleeRange = calleeRange;
  // Flags that are false most of the time are left out then (smaller facts and cache).
  if (site.awaited) raw.fact.awaited = true;
  if (ctx.mainGuard) raw.fact.inMainGuard = true;
  if (ctx.conditional) raw.fact.conditional = true;
  if (site.argumentOf !== undefined) raw.fact.argumentOf = site.argumentOf;
  if (ctx.inLoop || x.scopes[ctx.scope].kind === 'comprehension') raw.fact.inLoop = true;
  if (ctx.requires && ctx.requires.length > 0) raw.fact.requires = ctx.requires;
  x.calls.push(raw);
  if (fnNode) x.visit(fnNode, ctx);
  if (!argsNode) return;
  if (argsNode.type === 'generator_expression') {
    x.visit(argsNode, ctx);
    return;
  }
  for (const arg of argsNode.namedChildren) {
    const shape = argumentShape(arg);
    if (!shape) continue;
    const u = unwrapParens(shape.valueNode);
    if (u.type === 'call') call(x, u, ctx, { awaited: false, argumentOf: index });
    else x.visit(shape.valueNode, ctx);
    raw.args.push({ keyword: shape.keyword, splat: shape.splat, expr: expr(x, shape.valueNode, ctx.scope), text: shape.valueNode.text.slice(0, 200) });
  }
}

/** `f(v)`, `f(k=v)`, `f(*v)`, `f(**v)`: the value and how it is passed; undefined for comments. */
function argumentShape(arg: Node): (Pick<RawArgument, 'keyword' | 'splat'> & { valueNode: Node }) | undefined {
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
    return undefined;
  }
  return valueNode ? { keyword, splat, valueNode } : undefined;
}
