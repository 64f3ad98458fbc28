/**
 * ERROR and MISSING nodes: the first few syntax errors of a module, and the one ERROR node that
 * is not an error, PEP 810's `lazy import x` (tree-sitter-python 0.25 parses it as ERROR("lazy")
 * followed by the import statement).
 */

import type { Node } from 'web-tree-sitter';
import type { ExtractionState, WalkContext } from './extract-state.js';
import { rangeOf } from './syntax.js';

const MAX_SYNTAX_ERRORS = 5;

/** The first few ERROR / MISSING nodes, searched only below nodes that contain an error. */
export function collectSyntaxErrors(x: ExtractionState, node: Node): void {
  if (x.syntaxErrors.length >= MAX_SYNTAX_ERRORS) return;
  if (node.isMissing || (node.type === 'ERROR' && !isLazyMarker(node))) {
    x.syntaxErrors.push(rangeOf(node));
    return;
  }
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing)) collectSyntaxErrors(x, child);
  }
}

/** An ERROR node met by the walk: a `lazy` marker flags the import after it; anything else is walked into. */
export function errorNode(x: ExtractionState, node: Node, ctx: WalkContext): void {
  if (isLazyMarker(node)) {
    const next = node.nextSibling;
    if (next) {
      x.lazyImportNodes.add(next.startIndex);
      return;
    }
  }
  x.visitChildren(node, ctx);
}

function isLazyMarker(node: Node): boolean {
  const next = node.nextSibling;
  return node.text === 'lazy' && next !== null && (next.type === 'import_statement' || next.type === 'import_from_statement');
}
