/**
 * Import statements: the ImportFacts (with the guards around them: `if TYPE_CHECKING`,
 * module-level conditions, PEP 810 `lazy`), the names they bind, `from __future__ import
 * annotations`, star imports; relative and aliased module names made absolute as the project spells them.
 */

import type { Node } from 'web-tree-sitter';
import type { ImportFact } from './facts.js';
import type { ExtractionState, WalkContext } from './extract-state.js';
import { bind } from './scopes.js';
import { rangeOf } from './syntax.js';

type ImportBase = Omit<ImportFact, 'module' | 'boundAs'>;

export function importStatement(x: ExtractionState, node: Node, ctx: WalkContext): void {
  const base: ImportBase = {
    level: 0,
    scope: ctx.scope,
    range: rangeOf(node),
    typeCheckingOnly: ctx.typeChecking,
    conditional: ctx.moduleConditional,
    lazy: x.lazyImportNodes.has(node.startIndex),
    star: false,
  };
  if (ctx.mainGuard) base.inMainGuard = true;
  if (node.type === 'future_import_statement') futureImport(x, node);
  else if (node.type === 'import_statement') plainImport(x, node, base);
  else fromImport(x, node, base);
}

function futureImport(x: ExtractionState, node: Node): void {
  for (const n of node.childrenForFieldName('name')) if (n.text === 'annotations') x.futureAnnotations = true;
}

/** `import a.b`, `import a.b as c`. */
function plainImport(x: ExtractionState, node: Node, base: ImportBase): void {
  for (const n of node.childrenForFieldName('name')) {
    if (n.type === 'aliased_import') {
      const module = projectModule(x, n.childForFieldName('name')?.text ?? '');
      const alias = n.childForFieldName('alias')?.text ?? module;
      x.imports.push({ ...base, module, boundAs: alias });
      bind(x, base.scope, alias, { at: node.endIndex, kind: 'import', name: module });
    } else {
      const module = projectModule(x, n.text);
      const top = n.text.split('.')[0];
      x.imports.push({ ...base, module, boundAs: top });
      bind(x, base.scope, top, { at: node.endIndex, kind: 'import', name: projectModule(x, top) });
    }
  }
}

/** `from X import a, b as c`, `from . import a`, `from X import *`. */
function fromImport(x: ExtractionState, node: Node, base: ImportBase): void {
  const moduleNode = node.childForFieldName('module_name');
  let level = 0;
  let moduleText = '';
  if (moduleNode?.type === 'relative_import') {
    for (const c of moduleNode.namedChildren) {
      if (c.type === 'import_prefix') level = c.text.length;
      else if (c.type === 'dotted_name') moduleText = c.text;
    }
  } else if (moduleNode) {
    moduleText = moduleNode.text;
  }
  const module = level > 0 ? absoluteModule(x, level, moduleText) : projectModule(x, moduleText);
  if (module === '__future__') {
    futureImport(x, node);
    return;
  }
  if (node.namedChildren.some((c) => c.type === 'wildcard_import')) {
    x.hasStarImport = true;
    x.imports.push({ ...base, level, module, boundAs: '*', star: true });
    return;
  }
  for (const n of node.childrenForFieldName('name')) {
    let name: string;
    let alias: string;
    if (n.type === 'aliased_import') {
      name = n.childForFieldName('name')?.text ?? '';
      alias = n.childForFieldName('alias')?.text ?? name;
    } else {
      name = n.text;
      alias = name;
    }
    const qualified = module ? `${module}.${name}` : name;
    x.imports.push({ ...base, level, module, name, boundAs: alias });
    bind(x, base.scope, alias, { at: node.endIndex, kind: 'import', name: qualified });
  }
}

/** An absolute module name as the project spells it (`app.crud` → `services.api.app.crud`). */
function projectModule(x: ExtractionState, module: string): string {
  const aliases = x.options.importAliases;
  if (!aliases) return module;
  const dot = module.indexOf('.');
  const top = dot < 0 ? module : module.slice(0, dot);
  return Object.hasOwn(aliases, top) ? aliases[top] + (dot < 0 ? '' : module.slice(dot)) : module;
}

/** `from ..x import y` inside module `a.b.c` → `a.x`. */
function absoluteModule(x: ExtractionState, level: number, rest: string): string {
  const parts = x.options.moduleName ? x.options.moduleName.split('.') : [];
  // A package's __init__ is its own package; a module's package is its parent.
  const pkg = x.options.isPackage ? parts : parts.slice(0, -1);
  const base = pkg.slice(0, Math.max(0, pkg.length - (level - 1)));
  return [...base, ...(rest ? [rest] : [])].join('.');
}
