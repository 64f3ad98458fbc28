/**
 * The facts of one module: one walk over a tree-sitter Python tree that records scopes, bindings,
 * imports and calls (walk.ts and the per-concern modules it dispatches to), then a resolution pass
 * over those records, not over the tree (resolution.ts), that turns every callee, decorator,
 * annotation and argument into a qualified name (assembly.ts). The tree is not kept: the caller
 * deletes it.
 */

import type { Tree } from 'web-tree-sitter';
import type { ModuleFacts } from './facts.js';
import { assembleModuleFacts } from './assembly.js';
import { newExtractionState, type ExtractOptions } from './extract-state.js';
import { newScope } from './scopes.js';
import { rangeOf } from './syntax.js';
import { collectSyntaxErrors } from './syntax-errors.js';
import { visit } from './walk.js';
import { parseSuppressionComment } from '../suppression-comments.js';

export type { ExtractOptions } from './extract-state.js';

export function extractModuleFacts(tree: Tree, options: ExtractOptions): ModuleFacts {
  const root = tree.rootNode;
  const x = newExtractionState(options, visit);
  // Suppression comments: one native query rather than a visit per comment, and none at all in a
  // file whose text names no directive (most files): every comment would be ignored anyway.
  const directives = options.source === undefined || /pylint-perf|noqa/i.test(options.source);
  for (const comment of directives ? root.descendantsOfType('comment') : []) {
    const parsed = parseSuppressionComment(comment.text);
    if (!parsed) continue;
    const range = rangeOf(comment);
    for (const s of parsed) x.suppressions.push({ ...s, line: range.line, range });
  }
  if (root.hasError) collectSyntaxErrors(x, root);
  const moduleScope = newScope(x, 'module', '', -1, false, root);
  x.visitChildren(root, { scope: moduleScope, typeChecking: false, moduleConditional: false, mainGuard: false, conditional: false });
  return assembleModuleFacts(x, root);
}
