/**
 * Stage 3, facts: one parse per Python file, in worker threads when there are many files, or the
 * facts from the cache. A file that imports its own service's packages (`app.crud` in
 * services/api/) gets them spelled as the project names them first (model/importroots.ts).
 */

import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import type { DeploymentModel } from '../../read/deploy/model.js';
import { deploymentFileKind } from '../../read/discover.js';
import type { ModuleFacts } from '../../read/python/facts.js';
import { extractFacts, type FactRequest, type Progress } from '../../read/python/extraction.js';
import type { PythonParser } from '../../read/python/parser.js';
import { ImportRoots, scanImports } from '../../model/importroots.js';
import { serverImportRoot } from '../../model/serving.js';
import { contentKey, type Cache } from '../cache.js';
import type { RunSettings } from '../settings.js';
import type { Timer } from '../timing.js';
import type { RunSession } from '../session.js';
import type { Discovered } from './discover.js';
import { lambdaDirectories } from './model.js';
import type { PythonText } from './read.js';

export interface FactsInput {
  readonly settings: RunSettings;
  readonly discovered: Discovered;
  readonly python: ReadonlyMap<string, PythonText>;
  readonly deployment: DeploymentModel;
  readonly parser?: PythonParser;
  /** Told how many files are parsed, of how many. */
  readonly progress?: Progress;
  /** Facts kept in memory between runs (editor / watch mode), looked up before the disk cache. */
  readonly session?: RunSession;
}

export interface FactsOutcome {
  /** The facts of every readable Python file, in discovery order. */
  readonly modules: ModuleFacts[];
  /** The cache keys of those facts (kept when the cache is pruned). */
  readonly keys: readonly string[];
  /** Files whose extraction failed (targets only). */
  readonly notices: readonly Notice[];
}

export async function moduleFacts(input: FactsInput, cache: Cache | undefined, timer: Timer): Promise<FactsOutcome> {
  const requests = factRequests(input);
  const byFile = new Map<string, ModuleFacts>();
  const missing: FactRequest[] = [];
  const { session } = input;
  for (const { key, request } of requests.values()) {
    const hit = session?.factsFor(key) ?? cache?.get<ModuleFacts>('facts', key);
    if (hit) {
      byFile.set(request.path, hit);
      session?.keepFacts(key, hit);
    } else missing.push(request);
  }
  timer.lap(`facts from cache (${byFile.size})`);
  // Facts made in workers arrive as JSON text: stored as they come (an unsaved buffer's facts
  // stay in memory: the disk cache holds what is on disk).
  const stored = new Set<string>();
  const store = cache ? (file: string, json: string): void => {
    stored.add(file);
    if (!session?.overlays.has(file)) cache.set('facts', requests.get(file)!.key, json);
  } : undefined;
  const extracted = await extractFacts(missing, input.parser, input.progress, store);
  timer.lap(`facts extracted (${missing.length})`);
  const notices: Notice[] = [];
  for (const result of extracted) {
    if ('facts' in result) {
      byFile.set(result.path, result.facts);
      if (!stored.has(result.path) && !session?.overlays.has(result.path)) cache?.set('facts', requests.get(result.path)!.key, result.facts);
      session?.keepFacts(requests.get(result.path)!.key, result.facts);
    } else if (input.discovered.targets.has(result.path)) {
      notices.push({ kind: 'internal-error', path: result.path, message: `internal error while extracting facts (${result.error}); file skipped, the run went on — please report this` });
    }
  }
  return {
    modules: input.discovered.pythonFiles.map((f) => byFile.get(f)).filter((m): m is ModuleFacts => m !== undefined),
    keys: [...requests.values()].map((r) => r.key),
    notices,
  };
}

/** What to extract from each file, and the cache key of its facts (its content key, plus its import aliases). */
function factRequests(input: FactsInput): Map<string, { key: string; request: FactRequest }> {
  const { roots, imports } = importRoots(input);
  const requests = new Map<string, { key: string; request: FactRequest }>();
  for (const [file, t] of input.python) {
    const importAliases = roots.aliasesFor(file, imports.get(file)!);
    const aliased = Object.keys(importAliases).length > 0;
    requests.set(file, {
      key: aliased ? contentKey(t.key, JSON.stringify(importAliases)) : t.key,
      request: { path: file, text: t.text, ...t.identity, ...(aliased ? { importAliases } : {}) },
    });
  }
  return requests;
}

/**
 * The import roots of the project and each file's imports. A configured `src` is the user taking
 * control: its entries are then the only import roots; otherwise packaging files, Dockerfiles,
 * server start directories and Lambda code directories declare roots too, and more are inferred
 * from the imports.
 */
function importRoots(input: FactsInput): { roots: ImportRoots; imports: Map<string, ReturnType<typeof scanImports>> } {
  const { settings, discovered, python, deployment } = input;
  const roots = new ImportRoots({
    projectRoot: settings.root,
    modules: [...python].map(([file, t]) => ({ path: file, ...t.identity })),
    declared: settings.srcConfigured ? settings.sourceRoots : [
      ...settings.sourceRoots,
      ...discovered.deploymentFiles.filter((f) => ['pyproject', 'setup-cfg', 'dockerfile'].includes(deploymentFileKind(f)!)).map((f) => path.dirname(f)),
      ...discovered.pythonFiles.filter((f) => path.basename(f) === 'setup.py').map((f) => path.dirname(f)),
      ...deployment.invocations.map(serverImportRoot).filter((d): d is string => d !== undefined),
      ...lambdaDirectories(deployment),
    ],
  });
  const imports = new Map([...python].map(([file, t]) => [file, scanImports(t.text)]));
  if (!settings.srcConfigured) roots.inferFrom([...imports].map(([file, list]) => ({ path: file, imports: list })));
  return { roots, imports };
}
