/**
 * Bulk suppressions: a baseline of the findings a legacy codebase already has, so that CI and
 * pre-commit report only what is new (ESLint's `--suppress-all`, Ruff's `--add-noqa`, a Semgrep
 * baseline). The file — `pylint-perf-suppressions.json` at the project root unless
 * `--suppressions-location` names another — records, per file and rule, content fingerprints of
 * the suppressed findings with a count:
 *
 *   { "version": 1,
 *     "suppressions": { "app/routes.py": { "PP101": { "3f2a9c0d1e7b4a65": 2 } } } }
 *
 * Why fingerprints and not ESLint's bare counts per file and rule: with a count, one new blocking
 * call in a file that has three old ones makes all four reappear (nothing says which is new); a
 * fingerprint names the finding. Why not line numbers: an edit above a finding moves it. The
 * fingerprint hashes the rule, the flagged text and the whole flagged line with all whitespace
 * removed — not the neighbouring lines, so inserting or moving lines around an old finding keeps it
 * suppressed; re-indenting or re-wrapping it does too. Identical lines share a fingerprint, and the
 * count says how many of them are suppressed: a copy of an old line beyond the count is new. Editing
 * the flagged line itself makes its finding new — it is, after all, code just written.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { ConfigError } from './config.js';

export const SUPPRESSIONS_FILE = 'pylint-perf-suppressions.json';

/** File (relative to the project root, `/`-separated) → rule code → fingerprint → count. */
export type BulkSuppressions = Record<string, Record<string, Record<string, number>>>;

/** What `check` does with the file besides applying it. */
export interface BulkOptions {
  /** The file (absolute). */
  location: string;
  /** `--suppress-all`: record every finding of the checked files; `--suppress-rule`: those of these rules. */
  suppress?: 'all' | string[];
  /** `--prune-suppressions`: drop what no longer matches a finding of the checked files. */
  prune?: boolean;
}

export interface BulkOutcome {
  /** The findings left to report. */
  kept: Diagnostic[];
  /** How many findings the file suppressed in this run. */
  suppressed: number;
  /** What was written, when the run wrote the file. */
  wrote?: { recorded: number; pruned: number };
}

const WHITESPACE = /\s+/g;

/** The finding's fingerprint: rule, flagged text and flagged line, whitespace removed. */
export function suppressionFingerprint(d: Diagnostic, lines: readonly string[] | undefined): string {
  const line = lines?.[d.range.line - 1] ?? '';
  const flagged = d.range.line === d.range.endLine ? line.slice(d.range.column - 1, d.range.endColumn - 1) : '';
  const material = lines ? [d.code, flagged.replace(WHITESPACE, ''), line.replace(WHITESPACE, '')] : [d.code, d.message];
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, 16);
}

/** Reads and checks the file; a missing file is an empty baseline, a malformed one stops the run (exit 2). */
export function readBulkSuppressions(file: string): BulkSuppressions {
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON (${(error as Error).message}); expected the suppressions file written by \`pylint-perf check --suppress-all\``]);
  }
  const fail = (where: string, expected: string): never => {
    throw new ConfigError(file, [`${where}: expected ${expected}`]);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data)) return fail('$', 'an object with "version" and "suppressions"');
  if (data.version !== 1) fail('$.version', 'the number 1');
  const all = data.suppressions;
  if (!isObject(all)) return fail('$.suppressions', 'an object of files');
  for (const [file_, rules] of Object.entries(all)) {
    if (!isObject(rules)) return fail(`$.suppressions[${JSON.stringify(file_)}]`, 'an object of rule codes');
    for (const [code, prints] of Object.entries(rules)) {
      const at = `$.suppressions[${JSON.stringify(file_)}][${JSON.stringify(code)}]`;
      if (!/^PP\d{3}$/.test(code)) fail(at, 'a rule code such as "PP101" as the key');
      if (!isObject(prints)) return fail(at, 'an object of fingerprints and counts');
      for (const [print, count] of Object.entries(prints)) {
        if (!/^[0-9a-f]{16}$/.test(print)) fail(`${at}[${JSON.stringify(print)}]`, 'a 16-digit hexadecimal fingerprint as the key');
        if (!Number.isInteger(count) || (count as number) < 1) fail(`${at}[${JSON.stringify(print)}]`, 'a count, a whole number from 1');
      }
    }
  }
  return all as BulkSuppressions;
}

/**
 * Applies the file to the findings of the checked files and, when asked, records or prunes first.
 * `checked`: the files the run reports on (absolute); entries of other files are left as they are,
 * so a pre-commit run on two files neither loses nor rewrites the rest.
 */
export function applyBulkSuppressions(
  findings: readonly Diagnostic[],
  options: BulkOptions,
  root: string,
  checked: ReadonlySet<string>,
  linesOf: (file: string) => readonly string[] | undefined,
): BulkOutcome {
  const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const baseline = readBulkSuppressions(options.location);
  const prints = findings.map((d) => suppressionFingerprint(d, linesOf(d.path)));
  let wrote: BulkOutcome['wrote'];
  if (options.suppress || options.prune) {
    const next = structuredClone(baseline);
    const checkedRel = new Set([...checked].map(rel));
    const current = countByFile(findings, prints, rel);
    let pruned = 0;
    if (options.prune) pruned = prune(next, current, checkedRel, root);
    let recorded = 0;
    if (options.suppress) {
      const rules = options.suppress === 'all' ? undefined : new Set(options.suppress);
      recorded = record(next, current, checkedRel, rules);
    }
    write(options.location, next);
    wrote = { recorded, pruned };
    return { ...suppress(findings, prints, next, rel), wrote };
  }
  return suppress(findings, prints, baseline, rel);
}

function countByFile(findings: readonly Diagnostic[], prints: string[], rel: (f: string) => string): BulkSuppressions {
  const out: BulkSuppressions = {};
  findings.forEach((d, i) => {
    const rules = (out[rel(d.path)] ??= {});
    const counts = (rules[d.code] ??= {});
    counts[prints[i]] = (counts[prints[i]] ?? 0) + 1;
  });
  return out;
}

/** `--suppress-all` / `--suppress-rule`: the checked files' entries (of those rules) become what is found now. */
function record(next: BulkSuppressions, current: BulkSuppressions, checked: ReadonlySet<string>, rules: ReadonlySet<string> | undefined): number {
  let recorded = 0;
  for (const file of checked) {
    const entry = (next[file] ??= {});
    for (const code of Object.keys(entry)) if (!rules || rules.has(code)) delete entry[code];
    for (const [code, counts] of Object.entries(current[file] ?? {})) {
      if (rules && !rules.has(code)) continue;
      entry[code] = { ...counts };
      recorded += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    if (Object.keys(entry).length === 0) delete next[file];
  }
  return recorded;
}

/** `--prune-suppressions`: each checked file's counts cut to what still matches; files gone from disk dropped. */
function prune(next: BulkSuppressions, current: BulkSuppressions, checked: ReadonlySet<string>, root: string): number {
  let pruned = 0;
  for (const [file, rules] of Object.entries(next)) {
    const gone = !existsSync(path.join(root, file));
    if (!gone && !checked.has(file)) continue;
    for (const [code, counts] of Object.entries(rules)) {
      for (const [print, count] of Object.entries(counts)) {
        const still = gone ? 0 : Math.min(count, current[file]?.[code]?.[print] ?? 0);
        pruned += count - still;
        if (still === 0) delete counts[print];
        else counts[print] = still;
      }
      if (Object.keys(counts).length === 0) delete rules[code];
    }
    if (Object.keys(rules).length === 0) delete next[file];
  }
  return pruned;
}

/** The findings the baseline does not cover, in order: each fingerprint suppresses up to its count. */
function suppress(findings: readonly Diagnostic[], prints: string[], baseline: BulkSuppressions, rel: (f: string) => string): BulkOutcome {
  const left = new Map<string, number>();
  const kept: Diagnostic[] = [];
  let suppressed = 0;
  findings.forEach((d, i) => {
    const key = `${rel(d.path)}\u0000${d.code}\u0000${prints[i]}`;
    const remaining = left.get(key) ?? baseline[rel(d.path)]?.[d.code]?.[prints[i]] ?? 0;
    if (remaining > 0) {
      left.set(key, remaining - 1);
      suppressed++;
    } else {
      kept.push(d);
    }
  });
  return { kept, suppressed };
}

/** Sorted keys, one entry per line: the file is meant to be committed and reviewed in diffs. */
function write(file: string, suppressions: BulkSuppressions): void {
  const sorted: BulkSuppressions = {};
  for (const f of Object.keys(suppressions).sort()) {
    sorted[f] = {};
    for (const code of Object.keys(suppressions[f]).sort()) {
      sorted[f][code] = Object.fromEntries(Object.entries(suppressions[f][code]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  }
  writeFileSync(file, `${JSON.stringify({ version: 1, suppressions: sorted }, null, 2)}\n`);
}
