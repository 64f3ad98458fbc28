/**
 * Configuration: `[tool.pylint-perf]` in pyproject.toml, or `pylint-perf.json` /
 * `.pylint-perf.json`. The nearest file above the checked paths wins (in one directory:
 * pylint-perf.json, then .pylint-perf.json, then pyproject.toml with a [tool.pylint-perf] table);
 * `--config FILE` overrides the search. The file is validated with ajv against the schema built
 * from the rule registry (the same schema is committed as rules.schema.json); any error stops the
 * run with exit 2, naming the file, the key path and what was expected.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import type * as SmolToml from 'smol-toml';
import { EXECUTION_CONTEXTS, SEVERITIES, type Severity } from '../core/diagnostics.js';
import { camel, CONTEXTS_OPTION } from '../core/rule-docs.js';
import type { AnyRule } from '../rules/rule.js';

/** ajv and the TOML parser are loaded only when there is a configuration file to read (start-up of small runs). */
const requireLazily = createRequire(import.meta.url);

/**
 * The one documented alias: `report-unused-suppressions = true` (and `--report-unused-suppressions`)
 * is `extend-select` of the rule of this name.
 */
export const REPORT_UNUSED_SUPPRESSIONS_SELECTS = 'unused-suppression';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export type FailOn = Severity | 'never';

export interface PerFileIgnore {
  pattern: string;
  selectors: string[];
}

export interface Config {
  /** The file it came from, if any. */
  file?: string;
  /** Where relative patterns are anchored: the config file's directory, or the project root. */
  root: string;
  select?: string[];
  extendSelect: string[];
  ignore: string[];
  perFileIgnores: PerFileIgnore[];
  severity: Record<string, Severity | 'off'>;
  failOn: FailOn;
  exclude?: string[];
  extendExclude: string[];
  src: string[];
  respectGitignore: boolean;
  /** Rule options by rule code, camelCased keys, merged over the rule's defaults later. */
  ruleOptions: Record<string, Record<string, unknown>>;
}

export const DEFAULT_EXCLUDES: readonly string[] = [
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '.env', '__pycache__', 'site-packages',
  'build', 'dist', '.tox', '.nox', '.eggs', '*.egg-info', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '__pypackages__', '.pylint-perf-cache',
];

export function defaultConfig(root: string): Config {
  return {
    root,
    extendSelect: [],
    ignore: [],
    perFileIgnores: [],
    severity: {},
    failOn: 'warning',
    extendExclude: [],
    src: ['.', 'src'],
    respectGitignore: true,
    ruleOptions: {},
  };
}

// ------------------------------------------------------------------ schema

/** Every code, name and code prefix a user may write in select/ignore lists. */
export function ruleSelectors(rules: readonly AnyRule[]): string[] {
  const set = new Set<string>(['ALL', 'PP']);
  for (const r of rules) {
    set.add(r.code);
    set.add(r.name);
    set.add(r.code.slice(0, 3));
    set.add(r.code.slice(0, 4));
  }
  return [...set].sort();
}

/** The schema of a configuration for these rules (every rule a run may select). */
export function buildConfigSchema(rules: readonly AnyRule[]): Record<string, unknown> {
  const selector = { type: 'string', enum: ruleSelectors(rules) };
  const selectorList = { type: 'array', items: selector };
  const ruleKeys = rules.flatMap((r) => [r.code, r.name]).sort();
  const properties: Record<string, unknown> = {
    $schema: { type: 'string' },
    select: { ...selectorList, description: 'Rules to enable (codes, names, prefixes such as PP1, or ALL); replaces the default set.' },
    'extend-select': { ...selectorList, description: 'Rules to enable in addition to the default or selected set.' },
    ignore: { ...selectorList, description: 'Rules to disable.' },
    'per-file-ignores': {
      type: 'object',
      description: 'Rules to disable in files matching a pattern (.gitignore syntax, relative to the config file).',
      additionalProperties: selectorList,
    },
    severity: {
      type: 'object',
      description: 'Severity per rule (code or name): error, warning, info, or off.',
      propertyNames: { enum: ruleKeys },
      additionalProperties: { type: 'string', enum: [...SEVERITIES, 'off'] },
    },
    'fail-on': {
      type: 'string',
      enum: [...SEVERITIES, 'never'],
      description: 'Lowest severity that makes the run exit 1 (default: warning).',
    },
    exclude: {
      type: 'array',
      items: { type: 'string' },
      description: 'Paths to skip (.gitignore syntax); replaces the default excludes.',
    },
    'extend-exclude': { type: 'array', items: { type: 'string' }, description: 'Paths to skip in addition to the default excludes.' },
    src: {
      type: 'array',
      items: { type: 'string' },
      description: 'Source roots for module names, relative to the config file (default: [".", "src"]).',
    },
    'respect-gitignore': { type: 'boolean', description: 'Skip files ignored by .gitignore (default: true).' },
    'report-unused-suppressions': { type: 'boolean', description: 'Report suppression comments that silence nothing (PP001; the same as extend-select = ["PP001"]).' },
  };
  for (const rule of rules) {
    if (!rule.options && !rule.contexts) continue;
    const table = {
      type: 'object',
      description: `Options of ${rule.code} ${rule.name}.`,
      properties: { ...rule.options?.properties, ...(rule.contexts ? { contexts: contextsOption(rule.contexts) } : {}) },
      additionalProperties: false,
    };
    properties[rule.name] = table;
    properties[rule.code] = table;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'pylint-perf configuration',
    description: 'The [tool.pylint-perf] table of pyproject.toml, or the content of pylint-perf.json.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/** The `contexts` option of a rule whose findings carry an execution context. */
function contextsOption(defaults: readonly string[]): Record<string, unknown> {
  return {
    type: 'array',
    items: { type: 'string', enum: [...EXECUTION_CONTEXTS] },
    uniqueItems: true,
    description: `${CONTEXTS_OPTION} Default: ${JSON.stringify(defaults)}.`,
  };
}

/** The contexts a rule reports in this configuration: the configured ones, else its defaults (undefined: the rule has none). */
export function selectedContexts(rule: AnyRule, config: Config): readonly string[] | undefined {
  if (!rule.contexts) return undefined;
  const configured = config.ruleOptions[rule.code]?.contexts;
  return Array.isArray(configured) ? (configured as string[]) : rule.contexts;
}

// ------------------------------------------------------------------ loading

const CONFIG_FILES = ['pylint-perf.json', '.pylint-perf.json', 'pyproject.toml'];

/** The nearest config file at or above `start`, or undefined. */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = path.join(dir, name);
      if (!existsSync(candidate)) continue;
      if (name !== 'pyproject.toml') return candidate;
      try {
        const table = readTomlTable(candidate);
        if (table !== undefined) return candidate;
      } catch {
        // A broken pyproject.toml without our table is not our business... unless it has it.
        if (/^\s*\[tool\.pylint-perf[\].]/m.test(readFileSync(candidate, 'utf8'))) return candidate;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readTomlTable(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  // Most pyproject.toml files have no table of ours: skip parsing them.
  if (!text.includes('pylint-perf')) return undefined;
  const { parse: parseToml } = requireLazily('smol-toml') as typeof SmolToml;
  const doc = parseToml(text) as Record<string, unknown>;
  const tool = doc.tool as Record<string, unknown> | undefined;
  return tool?.['pylint-perf'];
}

function readRawConfig(file: string): { raw: unknown; prefix: string } {
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new ConfigError(file, ['not a file']);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  if (file.endsWith('.toml')) {
    let doc: Record<string, unknown>;
    const { parse: parseToml, TomlError } = requireLazily('smol-toml') as typeof SmolToml;
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TomlError) {
        throw new ConfigError(file, [`line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}`]);
      }
      throw new ConfigError(file, [(error as Error).message]);
    }
    const tool = doc.tool as Record<string, unknown> | undefined;
    if (path.basename(file) === 'pyproject.toml') {
      // Found by the search only when it has the table: here it was named with --config.
      if (tool?.['pylint-perf'] === undefined) throw new ConfigError(file, ['has no [tool.pylint-perf] table; add one, or pass a file that has the settings to --config']);
      return { raw: tool['pylint-perf'], prefix: 'tool.pylint-perf' };
    }
    // Any other TOML file is a pylint-perf configuration of its own: the settings are top-level keys.
    if (tool && typeof tool === 'object' && 'pylint-perf' in tool) {
      throw new ConfigError(file, [`[tool.pylint-perf] is read only from a file named pyproject.toml; ${path.basename(file)} is read as a pylint-perf configuration, with the settings at its top level (remove the [tool.pylint-perf] header)`]);
    }
    return { raw: doc, prefix: '' };
  }
  try {
    return { raw: JSON.parse(text), prefix: '' };
  } catch (error) {
    const hint = file.endsWith('.json') ? '' : ' (a configuration file is pyproject.toml, another .toml file, or a .json file)';
    throw new ConfigError(file, [`not valid JSON${hint}: ${(error as Error).message}`]);
  }
}

export function loadConfig(file: string, rules: readonly AnyRule[]): Config {
  const { raw, prefix } = readRawConfig(file);
  validate(file, raw, prefix, rules);
  const c = raw as Record<string, unknown>;
  const config = defaultConfig(path.dirname(path.resolve(file)));
  config.file = path.resolve(file);
  const codeOf = ruleCodeLookup(rules);
  if (c.select) config.select = c.select as string[];
  if (c['extend-select']) config.extendSelect = c['extend-select'] as string[];
  if (c.ignore) config.ignore = c.ignore as string[];
  if (c['per-file-ignores']) {
    config.perFileIgnores = Object.entries(c['per-file-ignores'] as Record<string, string[]>).map(([pattern, selectors]) => ({ pattern, selectors }));
  }
  if (c.severity) {
    for (const [key, level] of Object.entries(c.severity as Record<string, Severity | 'off'>)) config.severity[codeOf(key)!] = level;
  }
  if (c['fail-on']) config.failOn = c['fail-on'] as FailOn;
  if (c.exclude) config.exclude = c.exclude as string[];
  if (c['extend-exclude']) config.extendExclude = c['extend-exclude'] as string[];
  if (c.src) config.src = c.src as string[];
  if (typeof c['respect-gitignore'] === 'boolean') config.respectGitignore = c['respect-gitignore'];
  if (c['report-unused-suppressions'] === true) config.extendSelect = [...config.extendSelect, REPORT_UNUSED_SUPPRESSIONS_SELECTS];
  for (const rule of rules) {
    for (const key of [rule.name, rule.code]) {
      const table = c[key] as Record<string, unknown> | undefined;
      if (!table) continue;
      const options = (config.ruleOptions[rule.code] ??= {});
      for (const [k, v] of Object.entries(table)) options[camel(k)] = v;
    }
  }
  return config;
}

export function ruleCodeLookup(rules: readonly AnyRule[]): (key: string) => string | undefined {
  const map = new Map<string, string>();
  for (const r of rules) {
    map.set(r.code.toUpperCase(), r.code);
    map.set(r.name.toLowerCase(), r.code);
  }
  return (key) => map.get(key.toUpperCase()) ?? map.get(key.toLowerCase());
}

// ------------------------------------------------------------------ validation messages

let cachedValidator: { rules: readonly AnyRule[]; validate: ReturnType<AjvClass['compile']> } | undefined;


function validate(file: string, raw: unknown, prefix: string, rules: readonly AnyRule[]): void {
  if (!cachedValidator || cachedValidator.rules !== rules) {
    const { Ajv } = requireLazily('ajv') as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    cachedValidator = { rules, validate: ajv.compile(buildConfigSchema(rules)) };
  }
  const check = cachedValidator.validate;
  if (check(raw)) {
    const globs = globProblems(raw as Record<string, unknown>, prefix);
    if (globs.length > 0) throw new ConfigError(file, globs);
    return;
  }
  const errors = (check.errors ?? [])
    // An invalid key in `severity` fails its propertyNames enum too: report it once.
    .filter((e) => e.keyword !== 'if' && !(e.propertyName !== undefined && e.keyword !== 'propertyNames'));
  // A value that fails both `type` and `enum` is reported once, by its enum (the list says it all).
  const withEnum = new Set(errors.filter((e) => e.keyword === 'enum').map((e) => e.instancePath));
  const problems = errors.filter((e) => !(e.keyword === 'type' && withEnum.has(e.instancePath))).map((e) => describe(e, raw, prefix, rules));
  throw new ConfigError(file, [...new Set(problems)]);
}

/** Patterns (.gitignore syntax) that cannot mean what was intended. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern matches nothing';
  if (pattern.includes('\0')) return 'contains a NUL character';
  if (/^!\s*$/.test(pattern)) return '"!" negates nothing';
  let open = false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '[') open = true;
    else if (pattern[i] === ']') open = false;
  }
  if (open) return 'unclosed "[" (write "\\[" for a literal bracket)';
  return undefined;
}

function globProblems(raw: Record<string, unknown>, prefix: string): string[] {
  const problems: string[] = [];
  const at = (key: string): string => (prefix ? `${prefix}.${key}` : key);
  for (const key of ['exclude', 'extend-exclude']) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      const problem = typeof p === 'string' ? globProblem(p) : undefined;
      if (problem) problems.push(`${at(key)}[${i}]: ${problem}, got ${JSON.stringify(p)}`);
    });
  }
  const perFile = raw['per-file-ignores'];
  if (perFile && typeof perFile === 'object') {
    for (const pattern of Object.keys(perFile)) {
      const problem = globProblem(pattern);
      if (problem) problems.push(`${at('per-file-ignores')}: pattern ${JSON.stringify(pattern)}: ${problem}`);
    }
  }
  return problems;
}

function keyPath(prefix: string, instancePath: string, extra?: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  let out = prefix;
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || '(top level)';
}

function valueAt(raw: unknown, instancePath: string): unknown {
  let v: unknown = raw;
  for (const s of instancePath.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return `${kind} ${json && json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

function describe(e: ErrorObject, raw: unknown, prefix: string, rules: readonly AnyRule[]): string {
  const where = keyPath(prefix, e.instancePath);
  const value = valueAt(raw, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const parent = e.instancePath === '' ? topLevelKeys(rules) : Object.keys((e.parentSchema?.properties as object) ?? {});
      const hint = suggest(key, parent);
      return `${keyPath(prefix, e.instancePath, key)}: unknown key${hint ? ` (did you mean '${hint}'?)` : ''}`;
    }
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      const hint = suggest(name, rules.flatMap((r) => [r.code, r.name]));
      return `${keyPath(prefix, e.instancePath, name)}: '${name}' is not a rule code or name${hint ? ` (did you mean '${hint}'?)` : ''}`;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      if (allowed.includes('ALL')) {
        const hint = typeof value === 'string' ? suggest(value, allowed as string[]) : undefined;
        return `${where}: expected a rule code, name or prefix (e.g. PP101, blocking-call-in-async, PP1, ALL), got ${show(value)}${hint ? ` (did you mean '${hint}'?)` : ''}`;
      }
      if (e.instancePath.startsWith('/severity/') && e.instancePath.split('/').length === 3 && !allowed.includes('off')) {
        return `${where}: '${e.instancePath.split('/')[2]}' is not a rule code or name`;
      }
      return `${where}: expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(value)}`;
    }
    case 'type':
      return `${where}: expected ${(e.params as { type: string }).type}, got ${show(value)}`;
    default:
      return `${where}: ${e.message ?? 'invalid'}${value !== undefined ? `, got ${show(value)}` : ''}`;
  }
}

function topLevelKeys(rules: readonly AnyRule[]): string[] {
  return Object.keys((buildConfigSchema(rules).properties as object) ?? {});
}

/** The candidate closest to a misspelt word, if one is close enough to be what was meant. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
