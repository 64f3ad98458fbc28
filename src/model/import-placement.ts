/** Where a new import goes in a module, for fixes that need one. */

import type { TextEdit } from '../core/diagnostics.js';
import type { ImportFact, ModuleFacts } from '../read/python/facts.js';
import { isStdlibModule } from '../read/python/stdlib.js';

/**
 * `import asyncio` where isort and Ruff (I001) would put it: in the standard-library block of the
 * first imports, in alphabetical order among the plain `import x` statements; a block of its own
 * before the first import when that block holds no standard-library module; after the docstring
 * and `from __future__` imports when the module imports nothing at top level.
 */
export function importAsyncio(module: ModuleFacts): TextEdit | undefined {
  const at = (line: number, text: string): TextEdit => ({ range: { line, column: 1, endLine: line, endColumn: 1 }, text });
  // Unconditional top-level import statements that start a line (an indented one sits in a block).
  const top = module.imports
    .filter((i) => i.scope === 0 && !i.conditional && !i.typeCheckingOnly && i.range.column === 1)
    .sort((a, b) => a.range.line - b.range.line);
  if (top.length === 0) return afterHeader(module, 'import asyncio');
  const firstOther = top.findIndex((i) => i.level > 0 || !isStdlibModule(i.module));
  const stdlib = firstOther < 0 ? top : top.slice(0, firstOther);
  if (stdlib.length === 0) return at(top[0].range.line, 'import asyncio\n\n');
  const plain = stdlib.filter((i) => i.name === undefined);
  const after = plain.find((i) => i.module.toLowerCase() > 'asyncio');
  if (after) return at(after.range.line, 'import asyncio\n');
  if (plain.length === 0) return at(stdlib[0].range.line, 'import asyncio\n');
  const last = plain[plain.length - 1].range.endLine;
  // The last line of a file without a final newline: the edit lands at the end of the text.
  return at(last + 1, last >= module.lineCount ? '\nimport asyncio\n' : 'import asyncio\n');
}

/**
 * An import statement for a module that imports nothing at top level: after the docstring and
 * `from __future__` imports, or before the first statement, with the blank lines PEP 8 asks for.
 */
function afterHeader(module: ModuleFacts, statement: string): TextEdit | undefined {
  const at = (line: number, text: string): TextEdit => ({ range: { line, column: 1, endLine: line, endColumn: 1 }, text });
  const { endLine, nextLine, nextIsDefinition } = module.header;
  const blankAfter = nextIsDefinition ? 2 : 1;
  if (endLine > 0) {
    const blanksThere = nextLine > 0 ? nextLine - endLine - 1 : blankAfter;
    return at(endLine + 1, `\n${statement}\n${'\n'.repeat(Math.max(0, blankAfter - blanksThere))}`);
  }
  return nextLine > 0 ? at(nextLine, `${statement}\n${'\n'.repeat(blankAfter)}`) : undefined;
}

/**
 * `from MODULE import NAME` for a third-party module, unless the module has it already: after the
 * last unconditional top-level import (third-party imports come after the standard library's), or
 * where `importAsyncio` would put an import into a module that has none.
 */
export function importFrom(module: ModuleFacts, from: string, name: string): TextEdit | undefined | 'present' {
  if (module.imports.some((i) => i.scope === 0 && i.module === from && i.name === name && i.boundAs === name)) return 'present';
  const statement = `from ${from} import ${name}`;
  const top = module.imports
    .filter((i) => i.scope === 0 && !i.conditional && !i.typeCheckingOnly && i.range.column === 1)
    .sort((a, b) => a.range.endLine - b.range.endLine);
  const at = (line: number, text: string): TextEdit => ({ range: { line, column: 1, endLine: line, endColumn: 1 }, text });
  if (top.length === 0) return afterHeader(module, statement);
  const last = top[top.length - 1].range.endLine;
  return at(last + 1, last >= module.lineCount ? `\n${statement}\n` : `${statement}\n`);
}

/**
 * Moving a module-level import into the functions that use it: the statement's line(s) removed,
 * and the statement written as the first line of each function's body (after its docstring, at the
 * body's indentation). Undefined when that cannot be done cleanly: the statement binds several
 * names or shares its line, a function is not found once by its name at the top of the module (or
 * in a top-level class), or its body starts on the `def` line.
 */
export function moveImportInto(module: ModuleFacts, statement: ImportFact, functions: readonly string[], text: string): TextEdit[] | undefined {
  if (statement.scope !== 0 || statement.range.column !== 1 || functions.length === 0) return undefined;
  const sameStatement = module.imports.filter((i) => i.range.line === statement.range.line);
  if (sameStatement.length !== 1) return undefined;
  const edits: TextEdit[] = [{ range: { line: statement.range.line, column: 1, endLine: statement.range.endLine + 1, endColumn: 1 }, text: '' }];
  for (const name of functions) {
    const found = module.scopes.filter((s) => {
      if (s.kind !== 'function' || s.name !== name) return false;
      const parent = module.scopes[s.parent];
      return parent?.kind === 'module' || (parent?.kind === 'class' && module.scopes[parent.parent]?.kind === 'module');
    });
    if (found.length !== 1 || !found[0].bodyStart) return undefined;
    const { line, column } = found[0].bodyStart;
    edits.push({ range: { line, column: 1, endLine: line, endColumn: 1 }, text: `${' '.repeat(column - 1)}${text}\n` });
  }
  return edits;
}
