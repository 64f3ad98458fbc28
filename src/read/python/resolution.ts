/**
 * The resolution pass over the walk's records (not over the tree): every recorded expression
 * becomes a qualified name. Python's rules, closely enough for a linter:
 * - a name assigned anywhere in a function is local to it; `global` / `nonlocal` redirect;
 * - class bodies are not visible from the functions inside them;
 * - within one scope the binding that precedes the use wins (flow approximation); seen from an
 *   inner scope, the textually last binding of the outer scope wins (the value at call time),
 *   ignoring `x = None` placeholders (the lazy-global pattern);
 * - a local `def sleep()` or `sleep = other` shadows `from time import sleep`;
 * - unbound names are builtins; in a module with a star import they are the module's own global
 *   names (`app.main.open`), which the project stage resolves through the star-imported modules.
 * Bindings are resolved once (memoised); cycles (`x = x.y`, `self.b = self.b.raw`) resolve to null.
 */

import type { QualifiedName, ValueFact } from './facts.js';
import { projectName, type Binding, type ExtractionState, type Expr } from './extract-state.js';
import { enclosingFunction } from './scopes.js';

const MAX_RESOLVE_DEPTH = 40;

export class Resolver {
  private readonly resolving = new Set<Binding>();
  private readonly memo = new Map<Binding, QualifiedName | null>();
  private readonly attributesResolving = new Set<string>();

  constructor(private readonly x: ExtractionState) {}

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

  /** An instance of the annotated type: `T()`. */
  instanceOf(annotation: Expr): QualifiedName | null {
    const t = this.resolve(annotation);
    return t ? `${t}()` : null;
  }

  /** An argument or assigned value as a fact: a literal, a reference, a call, or other. */
  valueFact(e: Expr, text: string): ValueFact {
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

  /** The binding of a name that wins at `at` (or, with null, seen from later / from an inner scope). */
  choose(bindings: Binding[], at: number | null): QualifiedName | null {
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

  /** The type of attribute `attr` of the class in scope `cls` (own assignments, then the bases'). */
  classAttribute(cls: number, attr: string, seen: Set<number>): QualifiedName | null {
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

  private lookup(id: string, scopeIndex: number, at: number | null): QualifiedName | null {
    const scopes = this.x.scopes;
    let scope = scopeIndex;
    let useAt = at;
    for (;;) {
      const s = scopes[scope];
      if (s.globals.has(id) && scope !== 0) {
        scope = 0;
        useAt = null;
        continue;
      }
      if (s.nonlocals.has(id)) {
        const f = enclosingFunction(this.x, scope);
        if (f === undefined) return null;
        scope = f;
        useAt = null;
        continue;
      }
      const bindings = s.bindings.get(id);
      if (bindings && bindings.length > 0) return this.choose(bindings, useAt);
      // Ascend, skipping class scopes (their names are not visible from nested scopes).
      let parent = s.parent;
      while (parent >= 0 && scopes[parent].kind === 'class') parent = scopes[parent].parent;
      if (parent < 0) return this.x.hasStarImport ? projectName(this.x, id) : `builtins.${id}`;
      scope = parent;
      useAt = null;
    }
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
        const cls = projectName(this.x, this.x.scopes[b.classScope].qualname);
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

  /** `base.attr`, refined when base is an instance of a class defined in this file. */
  private member(base: QualifiedName, attr: string): QualifiedName {
    if (base.endsWith('()')) {
      const cls = this.x.classByQualified.get(base.slice(0, -2));
      if (cls !== undefined) {
        const t = this.classAttribute(cls, attr, new Set());
        if (t) return t;
      }
    }
    return `${base}.${attr}`;
  }

  private classAttributeUncached(cls: number, attr: string, seen: Set<number>): QualifiedName | null {
    const s = this.x.scopes[cls];
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
      const baseIndex = b ? this.x.classByQualified.get(b) : undefined;
      if (baseIndex !== undefined) {
        const t = this.classAttribute(baseIndex, attr, seen);
        if (t) return t;
      }
    }
    return null;
  }
}
