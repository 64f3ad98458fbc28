/**
 * One check run, as a pipeline of stages, each a function of the previous stages' output:
 *
 *   settle     configuration, project root, rules, inputs          (settings.ts)
 *   discover   the named files and their project's other files     (stages/discover.ts)
 *   read       every file once: text, module name, content key     (stages/read.ts)
 *   analyse    facts → model → rules, or the cached outcome        (stages/analysis.ts)
 *   filter     severities, per-file ignores, suppressions          (stages/filter.ts)
 *   result     what the reporters are handed
 *
 * Everything a file can do wrong becomes a Notice; only a bad configuration or bad arguments stop
 * the run.
 */

import { severityRank, type Notice } from '../core/diagnostics.js';
import { findWorkTree } from '../read/discover.js';
import { Cache } from './cache.js';
import type { CheckOptions, CheckResult } from './check-types.js';
import { settle, type RunSettings } from './settings.js';
import { analyseOrReuse, type RunOutcome } from './stages/analysis.js';
import { discover, type Discovered } from './stages/discover.js';
import { filterFindings, type Filtered } from './stages/filter.js';
import { readFiles, type ReadFiles } from './stages/read.js';
import { Timer } from './timing.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { applyBulkSuppressions, SUPPRESSIONS_FILE } from './bulk-suppressions.js';

export type { CheckOptions, CheckResult } from './check-types.js';
export { projectRootFor, resolveConfig, selectorMatches, selectRules } from './settings.js';

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const timer = new Timer();
  const settings = settle(options);
  const discovered = options.session ? await options.session.discovery(JSON.stringify([options.paths, options.cwd, settings.config]), () => discover(options, settings)) : await discover(options, settings);
  timer.lap('settle and discover');
  const files = await readFiles(discovered, settings, options.session);
  timer.lap('read');
  const cache = options.cache === false ? undefined : new Cache(settings.root);
  const { outcome, cacheHit } = await analyseOrReuse({ settings, discovered, files, parser: options.parser, progress: options.progress, session: options.session }, cache, timer);
  options.session?.endRun();
  const filtered = withBulkSuppressions(filterFindings(outcome.raw, outcome.suppressions, settings, discovered.targets), options, settings, discovered, files);
  return checkResult({ settings, discovered, files, outcome, filtered, cacheHit });
}

/** The bulk suppressions file applied (and written, with `--suppress-all`, `--suppress-rule`, `--prune-suppressions`). */
function withBulkSuppressions(filtered: Filtered, options: CheckOptions, settings: RunSettings, discovered: Discovered, files: ReadFiles): Filtered {
  const location = options.bulk?.location ?? path.join(settings.root, SUPPRESSIONS_FILE);
  const writes = options.bulk?.suppress !== undefined || options.bulk?.prune === true;
  if (!writes && !existsSync(location)) return filtered;
  const texts = new Map<string, string>([...files.python].map(([file, p]) => [file, p.text]));
  for (const d of files.deployment) texts.set(d.path, d.text);
  const lines = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    const text = texts.get(file);
    if (text === undefined) return undefined;
    if (!lines.has(file)) lines.set(file, text.split(/\r?\n/));
    return lines.get(file);
  };
  const outcome = applyBulkSuppressions(filtered.diagnostics, { ...options.bulk, location }, settings.root, discovered.targets, linesOf);
  return { ...filtered, diagnostics: outcome.kept, bulk: { file: location, suppressed: outcome.suppressed, wrote: outcome.wrote } };
}

interface Stages {
  settings: RunSettings;
  discovered: Discovered;
  files: ReadFiles;
  outcome: RunOutcome;
  filtered: Filtered;
  cacheHit: boolean;
}

/** What the reporters are handed: the diagnostics, every stage's notices in file order, the exit status. */
function checkResult({ settings, discovered, files, outcome, filtered, cacheHit }: Stages): CheckResult {
  const notices: Notice[] = [...discovered.notices, ...files.notices, ...outcome.notices, ...filtered.notices];
  notices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  const { failOn } = settings;
  return {
    diagnostics: filtered.diagnostics,
    notices,
    filesChecked: outcome.checkedFiles.length,
    filesFound: discovered.targets.size,
    suppressedCount: filtered.suppressedCount,
    bulk: filtered.bulk,
    config: settings.config,
    activeRules: [...settings.rules],
    failed: failOn !== 'never' && filtered.diagnostics.some((d) => severityRank(d.severity) >= severityRank(failOn)),
    workTree: findWorkTree(settings.root) ?? settings.root,
    checkedFiles: outcome.checkedFiles,
    cacheHit,
  };
}
