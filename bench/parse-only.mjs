#!/usr/bin/env node
/** The floor: parse every Python file under a directory with web-tree-sitter, one thread, no rules. */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
let files = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && e.name.endsWith('.py')) {
      const tree = parser.parse(readFileSync(p, 'utf8'));
      tree?.delete();
      files++;
    }
  }
};
walk(process.argv[2]);
console.log(`${files} files parsed`);
