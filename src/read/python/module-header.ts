/**
 * What the module says about itself: the header (docstring and `from __future__` imports, and the
 * statement after them), and the names it exports in `__all__`.
 */

import type { Node } from 'web-tree-sitter';
import type { ModuleFacts } from './facts.js';
import type { ExtractionState } from './extract-state.js';
import { stringContent, unwrapParens } from './syntax.js';

/** The module docstring and `from __future__` imports, and the statement after them (see `ModuleFacts.header`). */
export function moduleHeader(root: Node): ModuleFacts['header'] {
  let endLine = 0;
  let first = true;
  for (const child of root.namedChildren) {
    if (child.type === 'comment') continue;
    const isDocstring = first && child.type === 'expression_statement' && child.namedChildCount === 1 && child.namedChild(0)?.type === 'string';
    const isFuture = child.type === 'future_import_statement' || (child.type === 'import_from_statement' && child.childForFieldName('module_name')?.text === '__future__');
    first = false;
    if (isDocstring || isFuture) {
      endLine = child.endPosition.row + 1;
      continue;
    }
    return { endLine, nextLine: child.startPosition.row + 1, nextIsDefinition: /^(decorated_definition|function_definition|class_definition)$/.test(child.type) };
  }
  return { endLine, nextLine: 0, nextIsDefinition: false };
}

/** `__all__ = [...]` / `__all__ += (...)`: literal strings are kept, anything else makes it dynamic. */
export function recordDeclaredAll(x: ExtractionState, value: Node | null, literalAllowed: boolean): void {
  if (x.declaredAll === 'dynamic') return;
  const v = value ? unwrapParens(value) : null;
  const names: string[] = [];
  if (literalAllowed && v && (v.type === 'list' || v.type === 'tuple')) {
    for (const item of v.namedChildren) {
      if (item.type === 'comment') continue;
      const text = stringContent(item);
      if (text === null) {
        x.declaredAll = 'dynamic';
        return;
      }
      names.push(text);
    }
    x.declaredAll = [...(x.declaredAll ?? []), ...names];
    return;
  }
  x.declaredAll = 'dynamic';
}
