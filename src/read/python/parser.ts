/**
 * The tree-sitter Python parser, created once per run (or per worker) and passed down. Each
 * parse is turned into facts and the tree is deleted at once: WASM memory is not garbage
 * collected, and an undeleted tree per file grows the heap without bound.
 */

import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { extractModuleFacts } from './extract.js';
import type { ModuleFacts } from './facts.js';
import { resolveNextLineTargets } from '../suppression-comments.js';
import { fastIntegerTransfer } from './wasm-transfer.js';

const require = createRequire(import.meta.url);

/**
 * The grammar is loaded once per process. Loading it again for every parser links another copy
 * of the WASM module into the shared function table, which overflows after a few thousand runs
 * ("table index is out of bounds": found by the fuzzer, which runs the CLI thousands of times in
 * one process, as an editor or a watch mode would).
 */
let language: Promise<Language> | undefined;

/** Whether node access uses the faster integer transfer (wasm-transfer.ts); set once the runtime is loaded. */
export let fastTransfer = false;

function pythonLanguage(): Promise<Language> {
  // Emscripten builds its module object on the options object it is given: that object is the module.
  const runtime = {};
  language ??= Parser.init(runtime).then(() => {
    fastTransfer = fastIntegerTransfer(runtime);
    return Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  });
  return language;
}

export class PythonParser {
  private constructor(private readonly parser: Parser) {}

  /**
   * `shortLived`: the process parses a few files and exits (a one-file check, a pre-commit hook).
   * V8 then compiles the grammar's WebAssembly with its baseline compiler only: the optimising
   * compiler would start on the hot parser functions in the background, and the process must wait
   * for it to finish before it can exit (60–120 ms on two cores, longer than parsing a few dozen
   * files takes). Only when the runtime is not loaded yet; the setting is the process's.
   */
  static async create(options: { shortLived?: boolean } = {}): Promise<PythonParser> {
    if (options.shortLived && language === undefined) (await import('node:v8')).setFlagsFromString('--liftoff-only');
    const grammar = await pythonLanguage();
    const parser = new Parser();
    parser.setLanguage(grammar);
    return new PythonParser(parser);
  }

  /** Parses `source` and returns its facts; the syntax tree never outlives this call. */
  facts(source: string, identity: { path: string; moduleName: string; isPackage: boolean; importAliases?: Readonly<Record<string, string>> }): ModuleFacts {
    const tree = this.parser.parse(source);
    if (!tree) throw new Error('tree-sitter returned no tree');
    try {
      const facts = extractModuleFacts(tree, { ...identity, source });
      facts.suppressions = resolveNextLineTargets(facts.suppressions, () => source.split('\n'));
      return facts;
    } finally {
      tree.delete();
    }
  }

  dispose(): void {
    this.parser.delete();
  }
}
