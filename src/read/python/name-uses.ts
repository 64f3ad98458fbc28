/**
 * How the names a module imports are used, read from the tree before it is deleted (PP201 reports
 * a heavy import only when nothing uses it at import time).
 */

import type { Node } from 'web-tree-sitter';
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
