/**
 * Stages 3 to 5 — facts, model, rules — as one unit the cache keeps whole: when nothing changed
 * since a previous run (files, configuration, rules, inputs), its outcome is reused without
 * loading any facts.
 */

import type { Diagnostic, Notice } from '../../core/diagnostics.js';
import type { PythonParser } from '../../read/python/parser.js';
import type { SuppressionFact } from '../../read/python/facts.js';
import { checksCode, type RunInputs } from '../../rules/rule.js';
import { contentKey, type Cache } from '../cache.js';
import type { RunSettings } from '../settings.js';
import type { RunSession } from '../session.js';
import type { Timer } from '../timing.js';
import type { Discovered } from './discover.js';
import { moduleFacts } from './facts.js';
import { buildProject, moduleNotices, readDeploymentModel } from './model.js';
import type { ReadFiles } from './read.js';
import { runRules } from './rules.js';

/** What a run computes from the files, cached as a whole (see cache.ts). */
export interface RunOutcome {
  /** The rules' findings, before any filtering. */
  raw: Diagnostic[];
  notices: Notice[];
  /** The suppression comments of the targets that have some. */
  suppressions: [string, SuppressionFact[]][];
  /** The targets that were analysed, sorted. */
  checkedFiles: string[];
}

export interface AnalysisInput {
  readonly settings: RunSettings;
  readonly discovered: Discovered;
  readonly files: ReadFiles;
  readonly parser?: PythonParser;
  readonly session?: RunSession;
  /** Told how many files are parsed, of how many (the CLI's progress line). */
  readonly progress?: (done: number, total: number) => void;
}

export async function analyseOrReuse(input: AnalysisInput, cache: Cache | undefined, timer: Timer): Promise<{ outcome: RunOutcome; cacheHit: boolean }> {
  // Unsaved buffers change with every keystroke: their runs are not worth keeping on disk.
  const keepRuns = cache !== undefined && !input.session?.overlays.size;
  const key = runKey(input);
  const cached = keepRuns ? cache.get<RunOutcome>('runs', key) : undefined;
  if (cached) return { outcome: cached, cacheHit: true };
  const { outcome, factKeys } = await analyse(input, cache, timer);
  if (cache && keepRuns) {
    cache.set('runs', key, outcome);
    // The facts this run used are kept when the cache is pruned.
    cache.prune(new Set([...[...input.files.python.values()].map((t) => t.key), ...factKeys]));
  }
  return { outcome, cacheHit: false };
}

function runKey({ settings, discovered, files }: AnalysisInput): string {
  return contentKey(
    JSON.stringify(settings.config),
    settings.rules.filter(checksCode).map((r) => r.code).join(','),
    [...files.python.values()].map((t) => t.key).join(','),
    files.deployment.map((d) => contentKey(d.path, d.text)).join(','),
    [...discovered.targets].sort().join('\n'),
    inputsKey(settings.inputs),
    // Messages name other files relative to the current directory.
    settings.cwd,
    settings.namedDirectories.join('\n'),
  );
}

/** The inputs as text (maps as their entries). */
function inputsKey(inputs: RunInputs): string {
  return JSON.stringify(inputs, (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

async function analyse(input: AnalysisInput, cache: Cache | undefined, timer: Timer): Promise<{ outcome: RunOutcome; factKeys: readonly string[] }> {
  const { settings, discovered, files } = input;
  const { targets } = discovered;
  const deployment = await readDeploymentModel(files.deployment, settings.root, targets);
  const facts = await moduleFacts({ settings, discovered, python: files.python, deployment: deployment.model, parser: input.parser, progress: input.progress, session: input.session }, cache, timer);
  const project = buildProject(facts.modules, discovered, deployment.model, settings);
  const targetModules = facts.modules.filter((m) => targets.has(m.path));
  timer.lap('deployment model');
  const ruled = runRules(settings, project, targetModules, timer);
  const suppressions: [string, SuppressionFact[]][] = [
    ...targetModules.filter((m) => m.suppressions.length > 0).map((m): [string, SuppressionFact[]] => [m.path, m.suppressions]),
    ...[...deployment.suppressions].filter(([file]) => targets.has(file)),
  ];
  const checkedFiles = [...targetModules.map((m) => m.path), ...files.deployment.filter((d) => targets.has(d.path)).map((d) => d.path)].sort();
  return {
    outcome: {
      raw: ruled.findings,
      notices: [...deployment.notices, ...facts.notices, ...moduleNotices(facts.modules, targets), ...ruled.notices],
      suppressions,
      checkedFiles,
    },
    factKeys: facts.keys,
  };
}
