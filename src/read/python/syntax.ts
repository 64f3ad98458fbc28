/** Small readers of tree-sitter Python nodes shared by the extraction modules. */

import type { Node } from 'web-tree-sitter';
import type { SourceRange } from '../../core/diagnostics.js';

/** A node's range, 1-based lines and columns. */
export function rangeOf(node: Node): SourceRange {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** Whether two ranges are the same. */
export function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** `((x))` → `x`. */
export function unwrapParens(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/** The text of a plain string literal; null for f-strings with interpolations and for non-strings. */
export function stringContent(node: Node): string | null {
  if (node.type !== 'string') return null;
  let text = '';
  for (const child of node.namedChildren) {
    if (child.type === 'string_content') text += child.text;
    else if (child.type === 'interpolation') return null;
    else if (child.type === 'escape_sequence') text += child.text;
  }
  return text;
}
