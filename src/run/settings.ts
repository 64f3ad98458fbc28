/**
 * What the options and the configuration decide before any file is read: the configuration, the
 * project root, the rules that run, where module names start and the run's inputs.
 */

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig, findConfigFile, loadConfig, type Config, type FailOn } from './config.js';
import { findWorkTree } from '../read/discover.js';
import { checksCode, type AnyRule, type RunInputs } from '../rules/rule.js';
import type { CheckOptions } from './check-types.js';
import { isInside } from '../core/paths.js';

export interface RunSettings {
  readonly config: Config;
  /** The project the checked paths belong to (see projectRootFor). */
  readonly root: string;
  /** Where messages make paths relative to. */
  readonly cwd: string;
  /** The rules this run executes, in the order they run. */
  readonly rules: readonly AnyRule[];
  /** Every rule a suppression comment can name, selected or not (rules that check code). */
  readonly suppressible: readonly AnyRule[];
  readonly failOn: FailOn;
  /** Source roots (absolute) where module names start. */
  readonly sourceRoots: readonly string[];
  /** The configuration sets `src`: its entries are then the only import roots. */
  readonly srcConfigured: boolean;
  readonly inputs: RunInputs;
  /**
   * Directories named on the command line: `tests/`, `examples/`, `scripts/` above them do not
   * decide a file's execution context (`check examples/demo` checks the demo as a service).
   */
  readonly namedDirectories: readonly string[];
}

export function settle(options: CheckOptions): RunSettings {
  const config = resolveConfig(options);
  const root = projectRootFor(options, config);
  // Configured source roots are relative to the configuration file; the defaults to the project.
  const srcConfigured = config.file !== undefined && config.src.join('\n') !== defaultConfig(root).src.join('\n');
  return {
    config,
    root,
    cwd: options.cwd,
    rules: selectRules(options.rules, config, options),
    suppressible: options.rules.filter(checksCode),
    failOn: options.failOn ?? config.failOn,
    sourceRoots: config.src.map((s) => path.resolve(srcConfigured ? config.root : root, s)),
    srcConfigured,
    inputs: Object.freeze({ ...options.inputs }),
    namedDirectories: options.paths.map((p) => path.resolve(options.cwd, p)).filter(isDirectory),
  };
}

export function resolveConfig(options: Pick<CheckOptions, 'paths' | 'cwd' | 'configFile' | 'isolated' | 'rules'>): Config {
  if (options.configFile) return loadConfig(path.resolve(options.cwd, options.configFile), options.rules);
  const start = startOf(options);
  if (options.isolated) return defaultConfig(start);
  const file = findConfigFile(start);
  if (file) return loadConfig(file, options.rules);
  return defaultConfig(projectRootOf(start));
}

/**
 * The project the checked paths belong to: what is read for context, where module names start,
 * where the cache lives. It comes from the paths, never from where a configuration file happens
 * to be (`--config ../shared/pylint-perf.json` supplies settings, not a project): the
 * configuration's directory when it holds the paths and is inside their repository, else the
 * nearest directory above the paths with `.git`, `pyproject.toml`, `setup.cfg` or `setup.py`.
 */
export function projectRootFor(options: Pick<CheckOptions, 'paths' | 'cwd' | 'isolated'>, config: Config): string {
  if (!config.file) return config.root;
  const start = startOf(options);
  if (isInside(config.root, start)) {
    const tree = findWorkTree(start);
    if (!tree || isInside(tree, config.root)) return config.root;
  }
  return options.isolated ? start : projectRootOf(start);
}

/** The rules a run executes, from config and command line. */
export function selectRules(rules: readonly AnyRule[], config: Config, cli: Pick<CheckOptions, 'select' | 'extendSelect' | 'ignore'>): AnyRule[] {
  const base = cli.select ?? config.select;
  const extend = [...config.extendSelect, ...(cli.extendSelect ?? [])];
  const ignored = [...config.ignore, ...(cli.ignore ?? [])];
  return rules.filter((rule) => {
    const selected = base ? base.some((s) => selectorMatches(rule, s)) : rule.enabledByDefault !== false;
    if (!selected && !extend.some((s) => selectorMatches(rule, s))) return false;
    if (ignored.some((s) => selectorMatches(rule, s))) return false;
    return config.severity[rule.code] !== 'off';
  });
}

/** `ALL`, a rule name, a code or a code prefix (`PP`, `PP1`, `PP10`, `PP101`). */
export function selectorMatches(rule: AnyRule, selector: string): boolean {
  const s = selector.trim();
  return s.toUpperCase() === 'ALL' || s.toLowerCase() === rule.name || (/^PP\d{0,3}$/i.test(s) && rule.code.startsWith(s.toUpperCase()));
}

const PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py'];

/**
 * The project a directory belongs to, without a pylint-perf configuration: the nearest directory
 * with Python packaging metadata or a `.git`; failing both, the directory itself (never the
 * current directory, which may be a home directory above many projects).
 */
function projectRootOf(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, '.git')) || PROJECT_MARKERS.some((m) => existsSync(path.join(dir, m)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** The directory the checked paths have in common (a file's directory for a file). */
function startOf(options: Pick<CheckOptions, 'paths' | 'cwd'>): string {
  const starts = options.paths.map((p) => {
    const abs = path.resolve(options.cwd, p);
    try {
      return statSync(abs).isDirectory() ? abs : path.dirname(abs);
    } catch {
      return options.cwd;
    }
  });
  return commonAncestor(starts.length > 0 ? starts : [options.cwd]);
}

function commonAncestor(paths: string[]): string {
  if (paths.length === 0) return process.cwd();
  let common = paths[0].split(path.sep);
  for (const p of paths.slice(1)) {
    const parts = p.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
