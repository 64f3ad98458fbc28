/**
 * How the names a module imports are used, read from the tree before it is deleted (PP201 reports
 * a heavy import only when nothing uses it at import time).
 */

import type { Node, TreeCursor } from 'web-tree-sitter';
import type { ImportFact, NameUse } from './facts.js';

/**
 * How each name bound by a module-level import is used: at import time (module-level code, class
 * bodies, decorators, default values, bases, evaluated annotations), only in annotations that are
 * not evaluated (`from __future__ import annotations`), or inside functions (which ones).
 */
export function importedNameUsesOf(root: Node, imports: ImportFact[], futureAnnotations: boolean, source?: string): Record<string, NameUse> {
  const names = new Set(imports.filter((i) => i.scope === 0 && !i.star).map((i) => i.boundAs));
  const uses: Record<string, NameUse> = {};
  if (names.size === 0) return uses;
  // Only the occurrences of the imported names, found in the text (positions are UTF-16 indices,
  // as tree-sitter's when it parses a JS string), not every identifier of the module. Each is
  // reached from the root with one cursor, which reads on the way down the type of every node
  // that holds it and the field it sits in (a node's parent is slow to get in tree-sitter).
  const candidates: { name: string; path: Step[] }[] = [];
  if (source !== undefined) {
    const pattern = new RegExp(`(?<![\\w.])(${[...names].map((n) => n.replace(/[$]/g, '\\$&')).join('|')})(?!\\w)`, 'gu');
    const cursor = root.walk();
    try {
      for (const m of source.matchAll(pattern)) {
        cursor.reset(root);
        const path = pathTo(cursor, m.index!, m.index! + m[0].length);
        if (path) candidates.push({ name: m[0], path });
      }
    } finally {
      cursor.delete();
    }
  } else {
    for (const id of root.descendantsOfType('identifier')) {
      if (!id || !names.has(id.text)) continue;
      const cursor = root.walk();
      try {
        const path = pathTo(cursor, id.startIndex, id.endIndex);
        if (path) candidates.push({ name: id.text, path });
      } finally {
        cursor.delete();
      }
    }
  }
  for (const { name, path } of candidates) {
    if (!names.has(name)) continue;
    const where = identifierUse(path, futureAnnotations);
    if (where === undefined) continue;
    const use = (uses[name] ??= { importTime: false, annotation: false, functions: [] });
    if (where === 'import-time') use.importTime = true;
    else if (where === 'annotation') use.annotation = true;
    else if (!use.functions.includes(where.function) && use.functions.length < 5) use.functions.push(where.function);
  }
  return uses;
}

/** A node on the way from the root to an identifier: its type, the field it is in, and (a `def`) its name. */
interface Step {
  type: string;
  field: string | null;
  functionName?: string;
}

/** The nodes from below the root down to the identifier at [start, end); undefined when no identifier is there. */
function pathTo(cursor: TreeCursor, start: number, end: number): Step[] | undefined {
  const path: Step[] = [];
  while (cursor.gotoFirstChildForIndex(start)) {
    const at = cursor.startIndex;
    if (at > start) return undefined;
    const type = cursor.nodeType;
    const step: Step = { type, field: cursor.currentFieldName };
    if (type === 'function_definition') step.functionName = cursor.currentNode.childForFieldName('name')?.text;
    path.push(step);
    if (type === 'identifier') return at === start && cursor.endIndex === end ? path : undefined;
  }
  return undefined;
}

type UseSite = 'import-time' | 'annotation' | { function: string };

function identifierUse(path: readonly Step[], futureAnnotations: boolean): UseSite | undefined {
  let annotation = false;
  let runtimeIn: string | undefined;
  // From the identifier's parent up to the node below the root; `field` is where the node below
  // the one looked at sits in it.
  for (let i = path.length - 2; i >= 0; i--) {
    const { type } = path[i];
    const field = path[i + 1].field;
    if (type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') return undefined;
    if (type === 'attribute' && field === 'attribute') return undefined;
    if (type === 'keyword_argument' && field === 'name') return undefined;
    if ((type === 'typed_parameter' || type === 'typed_default_parameter') && field === 'type') annotation = true;
    if (type === 'assignment' && field === 'type') annotation = true;
    if (type === 'function_definition') {
      if (field === 'body') {
        // Runs when the function is called: remember the outermost named function.
        runtimeIn = path[i].functionName ?? runtimeIn;
        annotation = false;
      } else if (field === 'return_type') annotation = true;
    }
    if (type === 'lambda' && field === 'body' && runtimeIn === undefined) runtimeIn = '<lambda>';
  }
  if (runtimeIn !== undefined) return { function: runtimeIn };
  if (annotation) return futureAnnotations ? 'annotation' : 'import-time';
  return 'import-time';
}
