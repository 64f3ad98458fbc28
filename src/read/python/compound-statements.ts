/**
 * Compound statements and the guards they put on the code inside them: `if TYPE_CHECKING:`,
 * `if __name__ == "__main__":`, memoisation guards (`if _client is None:` that sets `_client`),
 * other conditions, module-level `try`; `for` / `async for`,
 * `with` / `async with` (the names they bind), `except … as e`.
 */

import type { Node } from 'web-tree-sitter';
import type { ExtractionState, OnceGuard, WalkContext } from './extract-state.js';
import { call } from './calls.js';
import { expr } from './expressions.js';
import { bindTarget } from './scopes.js';
import { unwrapParens } from './syntax.js';

export function ifStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const condition = node.childForFieldName('condition');
  const condText = condition ? unwrapParens(condition).text.replace(/\s+/g, ' ') : '';
  const isTypeChecking = /^(typing\.)?TYPE_CHECKING$/.test(condText);
  const isMainGuard = /^__name__ ?== ?(['"])__main__\1$/.test(condText) || /^(['"])__main__\1 ?== ?__name__$/.test(condText);
  if (condition) x.visit(condition, ctx);
  const atModule = x.scopes[ctx.scope].kind === 'module';
  const inner: WalkContext = {
    ...ctx,
    typeChecking: ctx.typeChecking || isTypeChecking,
    mainGuard: ctx.mainGuard || isMainGuard,
    moduleConditional: ctx.moduleConditional || atModule,
    conditional: ctx.conditional || !isMainGuard,
  };
  const inFunction = x.scopes[ctx.scope].kind === 'function';
  const guarded = condition && inFunction ? (onceGuardName(x, condition, ctx.scope) ?? (condText.includes('find_spec') ? installGuard(condition) : undefined)) : undefined;
  // An install guard needs no assignment: installing the package is what makes the condition false.
  const guard: OnceGuard | undefined = guarded ? { name: guarded, scope: ctx.scope, assigned: guarded === INSTALL_GUARD, outer: ctx.onceGuard } : undefined;
  const consequence = node.childForFieldName('consequence');
  const callsBefore = x.calls.length;
  const params = x.scopes[ctx.scope].rawParams;
  const required = condition && inFunction && params.some((p) => condText.includes(p.name)) ? truthyParameters(x, condition, ctx.scope) : [];
  const then = required.length > 0 ? { ...inner, requires: [...(ctx.requires ?? []), ...required] } : inner;
  if (consequence) x.visit(consequence, guard ? { ...then, onceGuard: guard } : then);
  if (guard?.assigned) markOnce(x, callsBefore, guard);
  const elseCtx: WalkContext = { ...inner, typeChecking: ctx.typeChecking, mainGuard: ctx.mainGuard, conditional: true };
  for (const alt of node.childrenForFieldName('alternative')) {
    // `elif url is not None:` requires its parameters as `if` does.
    const altCondition = alt.type === 'elif_clause' ? alt.childForFieldName('condition') : null;
    const altBody = altCondition ? alt.childForFieldName('consequence') : null;
    if (!altCondition || !altBody || !inFunction || !params.some((p) => altCondition.text.includes(p.name))) {
      x.visit(alt, elseCtx);
      continue;
    }
    const altRequired = truthyParameters(x, altCondition, ctx.scope);
    x.visit(altCondition, elseCtx);
    x.visit(altBody, altRequired.length > 0 ? { ...elseCtx, requires: [...(ctx.requires ?? []), ...altRequired] } : elseCtx);
  }
}

/**
 * The NAME of a memoisation guard, `if NAME is None:` / `if NAME == None:` / `if not NAME:` in a
 * function, when NAME outlives the call: a name the function declares `global`, or an attribute
 * of `cls`, of a class or of a module (`cls._client`, `Settings._cache`) — not of `self` or of any
 * other parameter or local (`request.state.user` is per request).
 */
function onceGuardName(x: ExtractionState, condition: Node, scope: number): string | undefined {
  const c = unwrapParens(condition);
  const cache = membershipSubject(c, 'not in');
  if (cache) {
    const name = cacheName(x, cache, scope);
    return name ? `${name}[]` : undefined;
  }
  let subject: Node | null = null;
  if (c.type === 'not_operator') subject = c.childForFieldName('argument');
  else if (isNoneComparison(c, ['is', '=='])) subject = c.namedChildren[0];
  return subject ? lastingName(x, subject, scope) : undefined;
}

const INSTALL_GUARD = 'importlib.util.find_spec()';

/**
 * The parameters of the function that `if` requires to be truthy: `if url:`, `if url is not None:`,
 * `if save is True:`, and each operand of an `and` (`if url and retries:`).
 */
function truthyParameters(x: ExtractionState, condition: Node, scope: number): string[] {
  const s = x.scopes[scope];
  if (s.kind !== 'function') return [];
  const out: string[] = [];
  const visit = (n: Node): void => {
    const c = unwrapParens(n);
    if (c.type === 'boolean_operator' && c.child(1)?.type === 'and') {
      for (const side of [c.childForFieldName('left'), c.childForFieldName('right')]) if (side) visit(side);
      return;
    }
    const subject = c.type === 'identifier' ? c : isNoneComparison(c, ['is not', '!=']) ? c.namedChildren[0] : c.type === 'comparison_operator' && /^\w+ (is|==) True$/.test(c.text) ? c.namedChildren[0] : null;
    if (subject?.type === 'identifier' && s.rawParams.some((p) => p.name === subject.text)) out.push(subject.text);
  };
  visit(condition);
  return out;
}

/**
 * `if not importlib.util.find_spec("pkg"):` / `if find_spec(pkg) is None:` — the branch installs a
 * missing package (`pip install` in a subprocess), and once it is installed the branch is never
 * taken again: once per process.
 */
function installGuard(condition: Node): string | undefined {
  const c = unwrapParens(condition);
  const subject = c.type === 'not_operator' ? c.childForFieldName('argument') : isNoneComparison(c, ['is', '==']) ? c.namedChildren[0] : null;
  const called = subject ? unwrapParens(subject) : null;
  if (called?.type !== 'call') return undefined;
  return /(^|\.)find_spec$/.test(called.childForFieldName('function')?.text ?? '') ? INSTALL_GUARD : undefined;
}

/**
 * A cache keyed by argument: `KEY not in CACHE` (`if`) / `KEY in CACHE` (early return) — CACHE,
 * the dict. Its guard is named `CACHE[]`: the block stores into it (`CACHE[key] = ...`), so it runs
 * once per key.
 */
function membershipSubject(c: Node, op: 'in' | 'not in'): Node | null {
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return null;
  const written = c.childCount === 3 ? c.child(1)?.type : c.childCount === 4 ? `${c.child(1)?.type} ${c.child(2)?.type}` : undefined;
  return written === op ? c.namedChildren[1] : null;
}

/** `SUBJECT is None` (ops `is`, `==`) or `SUBJECT is not None` (ops `is not`, `!=`). */
function isNoneComparison(c: Node, ops: readonly string[]): boolean {
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2 || c.namedChildren[1]?.type !== 'none') return false;
  const op = c.childCount === 3 ? c.child(1)?.type : c.childCount === 4 ? `${c.child(1)?.type} ${c.child(2)?.type}` : undefined;
  return ops.includes(op ?? '');
}

/**
 * The dict of a keyed cache when it outlives the call: a module-level name the function does not
 * bind itself (storing into it needs no `global`), or a lasting attribute (see lastingName).
 */
function cacheName(x: ExtractionState, subject: Node, scope: number): string | undefined {
  const s = x.scopes[scope];
  const u = unwrapParens(subject);
  if (s.kind !== 'function') return undefined;
  if (u.type === 'identifier') return s.globals.has(u.text) || (!s.bindings.has(u.text) && !s.nonlocals.has(u.text) && !enclosingLocal(x, scope, u.text)) ? u.text : undefined;
  return lastingName(x, subject, scope);
}

/** A local of an enclosing function (a closure's dict, made anew on every call of that function). */
function enclosingLocal(x: ExtractionState, scope: number, name: string): boolean {
  for (let p = x.scopes[scope].parent; p > 0; p = x.scopes[p].parent) {
    const outer = x.scopes[p];
    if (outer.kind === 'function' && !outer.globals.has(name) && outer.bindings.has(name)) return true;
  }
  return false;
}

/** The guarded NAME when `subject` outlives the call of the function `scope` (see onceGuardName). */
function lastingName(x: ExtractionState, subject: Node, scope: number): string | undefined {
  const s = x.scopes[scope];
  if (s.kind !== 'function') return undefined;
  const u = unwrapParens(subject);
  if (u.type === 'identifier') return s.globals.has(u.text) ? u.text : undefined;
  if (u.type !== 'attribute') return undefined;
  let root: Node = u;
  while (root.type === 'attribute') {
    const obj = root.childForFieldName('object');
    if (!obj) return undefined;
    root = obj;
  }
  if (root.type !== 'identifier' || s.nonlocals.has(root.text)) return undefined;
  const local = s.globals.has(root.text) ? undefined : s.bindings.get(root.text);
  // Bound in the function: only `cls` (the first parameter of a classmethod) outlives the call.
  if (local && !local.every((b) => b.kind === 'self' && !b.instance)) return undefined;
  return u.text.replace(/\s+/g, '');
}

/**
 * A block (a function body, or any block in it), one statement after another. After an early
 * return of a memoised value — `if NAME is not None: return NAME` / `if NAME: return NAME`, no
 * `else` — the rest of the block runs only while NAME is unset: once it assigns NAME, its calls
 * run once per process, as in `if NAME is None:`.
 */
export function block(x: ExtractionState, node: Node, ctx: WalkContext): void {
  let inner = ctx;
  const guards: { guard: OnceGuard; from: number }[] = [];
  const inFunction = x.scopes[ctx.scope].kind === 'function';
  for (const child of node.namedChildren) {
    x.visit(child, inner);
    const name = inFunction && child.type === 'if_statement' ? (earlyReturnGuardName(x, child, ctx.scope) ?? configuredLoggerGuard(x, child, ctx.scope)) : undefined;
    if (!name) continue;
    const guard: OnceGuard = { name, scope: ctx.scope, assigned: false, outer: inner.onceGuard };
    guards.push({ guard, from: x.calls.length });
    inner = { ...inner, onceGuard: guard };
  }
  for (const { guard, from } of guards) if (guard.assigned || addsHandler(x, from, guard)) markOnce(x, from, guard);
}

/**
 * The logger-setup idiom: `logger = logging.getLogger(name)`, then `if logger.handlers: return ...`
 * (also `hasHandlers()`, `len(logger.handlers)`), no `else`. Loggers live in a process-wide
 * registry, so once the rest of the block adds a handler (`logger.addHandler(...)`), it runs once
 * per logger name, not on every call: the guard is `logger.handlers`.
 */
function configuredLoggerGuard(x: ExtractionState, node: Node, scope: number): string | undefined {
  if (!/andlers/.test(node.childForFieldName('condition')?.text ?? '')) return undefined;
  const condition = earlyReturn(node)?.condition;
  if (!condition) return undefined;
  const text = unwrapParens(condition).text.replace(/\s+/g, '');
  const logger = /^(?:len\()?([A-Za-z_]\w*)\.(?:handlers\)?|hasHandlers\(\))$/.exec(text)?.[1];
  if (!logger) return undefined;
  const fromGetLogger = x.calls.some((c) => c.fact.scope === scope && c.fact.assignedTo === logger && /(^|\.)getLogger$/.test(c.fact.calleeText));
  return fromGetLogger ? `${logger}.handlers` : undefined;
}

/** Whether the calls since `from`, in the guard's function, add a handler to the guarded logger. */
function addsHandler(x: ExtractionState, from: number, guard: OnceGuard): boolean {
  if (!guard.name.endsWith('.handlers')) return false;
  const logger = guard.name.slice(0, -'.handlers'.length);
  return x.calls.slice(from).some((c) => c.fact.scope === guard.scope && c.fact.calleeText.replace(/\s+/g, '') === `${logger}.addHandler`);
}

/**
 * The NAME of `if NAME is not None: return NAME` / `if NAME: return f(NAME)` (also as the first
 * operand of an `and`), with no `elif`/`else`, where NAME outlives the call (see onceGuardName).
 */
/** `if COND: return VALUE` with no `elif`/`else`: its condition and the returned expression. */
function earlyReturn(node: Node): { condition: Node; value: Node | null } | undefined {
  if (node.childrenForFieldName('alternative').length > 0) return undefined;
  const condition = node.childForFieldName('condition');
  const statements = node.childForFieldName('consequence')?.namedChildren.filter((n) => n.type !== 'comment') ?? [];
  if (!condition || statements.length !== 1 || statements[0].type !== 'return_statement') return undefined;
  return { condition, value: statements[0].namedChildren[0] ?? null };
}

function earlyReturnGuardName(x: ExtractionState, node: Node, scope: number): string | undefined {
  const early = earlyReturn(node);
  if (!early) return undefined;
  let c = unwrapParens(early.condition);
  for (let left = c.childForFieldName('left'); c.type === 'boolean_operator' && c.child(1)?.type === 'and' && left; left = c.childForFieldName('left')) c = unwrapParens(left);
  const cache = membershipSubject(c, 'in');
  const subject = cache ?? (isNoneComparison(c, ['is not', '!=']) ? c.namedChildren[0] : c);
  const name = cache ? cacheName(x, cache, scope) : lastingName(x, subject, scope);
  const value = early.value;
  if (!name || !value || !mentions(value, name)) return undefined;
  return cache ? `${name}[]` : name;
}

/** Whether `node` is, or contains, the name or attribute chain `name`. */
function mentions(node: Node, name: string): boolean {
  const todo = [node];
  for (let n = todo.pop(); n; n = todo.pop()) {
    if ((n.type === 'identifier' || n.type === 'attribute') && n.text.replace(/\s+/g, '') === name) return true;
    todo.push(...n.namedChildren);
  }
  return false;
}

/** The calls recorded since `from` that the guard's function runs itself (not nested defs or lambdas). */
function markOnce(x: ExtractionState, from: number, guard: OnceGuard): void {
  for (let i = from; i < x.calls.length; i++) {
    const fact = x.calls[i].fact;
    if (fact.onceGuard !== undefined) continue;
    let s = fact.scope;
    while (s !== guard.scope && x.scopes[s].kind === 'comprehension') s = x.scopes[s].parent;
    if (s === guard.scope) fact.onceGuard = guard.name;
  }
}

/** Imports inside a module-level `try` are conditional (so are those under `with contextlib.suppress(...)`: see withStatement). */
export function tryStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  x.visitChildren(node, ctx.scope === 0 ? { ...ctx, moduleConditional: true } : ctx);
}

export function forStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const isAsync = node.child(0)?.type === 'async';
  const right = node.childForFieldName('right');
  if (right) {
    const r = unwrapParens(right);
    if (isAsync && r.type === 'call') call(x, r, ctx, { awaited: true });
    else x.visit(right, ctx);
  }
  const left = node.childForFieldName('left');
  if (left) bindTarget(x, left, ctx.scope, undefined, node.startIndex);
  const inner = { ...ctx, conditional: true };
  for (const field of ['body', 'alternative']) {
    const b = node.childForFieldName(field);
    if (b) x.visit(b, field === 'body' ? { ...ctx, inLoop: true } : inner);
  }
}

/** `while cond: body`: the body (and the condition) run once per iteration. */
export function whileStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const looping = { ...ctx, inLoop: true };
  for (const child of node.namedChildren) x.visit(child, child.type === 'else_clause' ? { ...ctx, conditional: true } : looping);
}

export function withStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const isAsync = node.child(0)?.type === 'async';
  let body = ctx;
  for (const child of node.namedChildren) {
    if (child.type === 'with_clause') {
      for (const item of child.namedChildren) {
        if (item.type !== 'with_item') continue;
        withItem(x, item, ctx, isAsync);
        // A module-level `with contextlib.suppress(ImportError):` is a `try` that ignores the failure.
        if (ctx.scope === 0 && /^(contextlib\.)?suppress\s*\(/.test(item.text)) body = { ...ctx, moduleConditional: true };
      }
    } else {
      x.visit(child, body);
    }
  }
}

/** `with cm as target`: `async with` awaits the call; the call knows the name its result is used under. */
function withItem(x: ExtractionState, item: Node, ctx: WalkContext, isAsync: boolean): void {
  const value = item.childForFieldName('value');
  if (!value) return;
  let cm: Node | null = value;
  let alias: Node | null = null;
  if (value.type === 'as_pattern') {
    cm = value.namedChild(0);
    alias = value.childForFieldName('alias');
  }
  const callsBefore = x.calls.length;
  if (cm) {
    const u = unwrapParens(cm);
    if (isAsync && u.type === 'call') call(x, u, ctx, { awaited: true });
    else x.visit(cm, ctx);
  }
  if (alias) {
    const target = alias.namedChild(0) ?? alias;
    // `with open(p) as f`
    const managed = x.calls[callsBefore];
    if (cm && managed && unwrapParens(cm).type === 'call') managed.fact.assignedTo = target.text;
    bindTarget(x, target, ctx.scope, cm ? expr(x, cm, ctx.scope) : undefined, item.endIndex);
  }
}

export function exceptClause(x: ExtractionState, node: Node, ctx: WalkContext): void {
  for (const child of node.namedChildren) {
    if (child.type === 'as_pattern') {
      const e = child.namedChild(0);
      if (e) x.visit(e, ctx);
      const alias = child.childForFieldName('alias');
      const target = alias?.namedChild(0) ?? alias;
      if (target) bindTarget(x, target, ctx.scope, undefined, child.endIndex);
    } else {
      x.visit(child, ctx);
    }
  }
}
