/** What a check run is given and what it hands back (run/runner.ts). */

import type { Diagnostic, Notice } from '../core/diagnostics.js';
import type { PythonParser } from '../read/python/parser.js';
import type { AnyRule, RunInputs } from '../rules/rule.js';
import type { BulkOptions } from './bulk-suppressions.js';
import type { Config, FailOn } from './config.js';
import type { RunSession } from './session.js';

export interface CheckOptions {
  paths: string[];
  /** The paths are exactly what to check, even when empty (`--changed-since`); otherwise no paths means `.`. */
  exactPaths?: boolean;
  cwd: string;
  /** The rules the run may select from, in the order they run (rules/index.ts CHECK_RULES). */
  rules: readonly AnyRule[];
  configFile?: string;
  /** Ignore every configuration file (defaults only), like Ruff's --isolated. */
  isolated?: boolean;
  select?: string[];
  extendSelect?: string[];
  ignore?: string[];
  failOn?: FailOn;
  extendExclude?: string[];
  forceExclude?: boolean;
  respectGitignore?: boolean;
  /**
   * When the paths are part of a project (pre-commit passes single files, users name `src/api`),
   * the rest of the project is read too, so that cross-file facts (where a name comes from, which
   * module is the app entry) are right; findings and notices are reported for the named paths
   * only. Default true; false analyses the named paths alone.
   */
  projectContext?: boolean;
  /** What the user hands the rules besides the files (`--importtime`): the same for the whole run. */
  inputs?: RunInputs;
  /** Use the on-disk cache (default true); `--no-cache` sets false. */
  cache?: boolean;
  /**
   * The bulk suppressions file and what to do with it besides applying it (record, prune); by
   * default `pylint-perf-suppressions.json` at the project root, applied when it exists.
   */
  bulk?: Partial<BulkOptions>;
  /** Told how many files are parsed, of how many: the CLI draws a progress line on a terminal. */
  progress?: (done: number, total: number) => void;
  /** Reuse a parser across runs (editor / watch mode); created and disposed here otherwise. */
  parser?: PythonParser;
  /** What a long-lived process keeps between runs: unsaved buffers, file texts, facts (editor / watch mode). */
  session?: RunSession;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  notices: Notice[];
  filesChecked: number;
  /** The Python and deployment files found under the named paths (analysed or not: unreadable ones count). */
  filesFound: number;
  suppressedCount: number;
  /** Findings the bulk suppressions file covered, and the file (when it exists or was written). */
  bulk?: { file: string; suppressed: number; wrote?: { recorded: number; pruned: number } };
  config: Config;
  activeRules: AnyRule[];
  /** True when a diagnostic is at or above the fail-on level. */
  failed: boolean;
  /** The git work tree holding the project (where SARIF paths start), or the project root. */
  workTree: string;
  /** The named files that were analysed (Python modules parsed, deployment files read). */
  checkedFiles: string[];
  /** The outcome came from the cache (nothing changed since a previous run). */
  cacheHit: boolean;
}
