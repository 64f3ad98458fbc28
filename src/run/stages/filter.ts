/**
 * Stage 6, filtering: configured severities, then the execution contexts each rule reports, then
 * per-file ignores, then inline suppressions; the suppressions that silenced nothing go to the
 * selected rules that check suppressions.
 */

import ignoreFactory from 'ignore';
import path from 'node:path';
import { compareDiagnostics, type Diagnostic, type Notice } from '../../core/diagnostics.js';
import type { SuppressionFact } from '../../read/python/facts.js';
import { checksCode, type UnusedSuppression } from '../../rules/rule.js';
import { ruleCodeLookup, selectedContexts, type Config } from '../config.js';
import { selectorMatches, type RunSettings } from '../settings.js';
import { applySuppressions, type RuleLookup } from '../suppressions.js';
import { reporter, ruleFailure, ruleOptions, type RuleFindings } from './rules.js';

export interface Filtered {
  /** What is reported, sorted. */
  readonly diagnostics: Diagnostic[];
  readonly suppressedCount: number;
  /** What the bulk suppressions file did (run/bulk-suppressions.ts, applied after this stage). */
  readonly bulk?: { file: string; suppressed: number; wrote?: { recorded: number; pruned: number } };
  /** Rules that failed on the suppressions. */
  readonly notices: Notice[];
}

export function filterFindings(
  findings: readonly Diagnostic[],
  suppressions: readonly [string, SuppressionFact[]][],
  settings: RunSettings,
  targets: ReadonlySet<string>,
): Filtered {
  const configured = withConfiguredSeverity(findings, settings.config);
  const reported = withoutPerFileIgnores(inSelectedContexts(configured, settings), settings, targets);
  const suppressed = applySuppressions(reported, new Map(suppressions), suppressionLookup(settings));
  const onSuppressions = checkSuppressions(suppressed.unused, settings);
  const diagnostics = [...suppressed.kept, ...withConfiguredSeverity(onSuppressions.findings, settings.config)].sort(compareDiagnostics);
  return { diagnostics, suppressedCount: suppressed.suppressedCount, notices: onSuppressions.notices };
}

/** Copies, with the severity the configuration gives their rule. */
function withConfiguredSeverity(findings: readonly Diagnostic[], config: Config): Diagnostic[] {
  return findings.map((d) => {
    const override = config.severity[d.code];
    return override && override !== 'off' ? { ...d, severity: override } : { ...d };
  });
}

/**
 * The findings whose execution contexts include one their rule reports (its `contexts` option, or
 * the rule's defaults); findings without contexts, and rules that declare none, are all kept.
 */
function inSelectedContexts(findings: Diagnostic[], settings: RunSettings): Diagnostic[] {
  const selected = new Map(settings.rules.map((r) => [r.code, selectedContexts(r, settings.config)]));
  return findings.filter((d) => {
    const contexts = selected.get(d.code);
    return !contexts || !d.contexts || d.contexts.some((c) => contexts.includes(c));
  });
}

/** The findings on targets that no `per-file-ignores` entry of the configuration drops. */
function withoutPerFileIgnores(findings: readonly Diagnostic[], settings: RunSettings, targets: ReadonlySet<string>): Diagnostic[] {
  const { config } = settings;
  const perFile = config.perFileIgnores.map((p) => ({
    matcher: ignoreFactory().add(p.pattern),
    codes: new Set(settings.rules.filter((r) => p.selectors.some((s) => selectorMatches(r, s))).map((r) => r.code)),
  }));
  return findings.filter((d) => {
    if (!targets.has(d.path)) return false;
    const rel = relativeInside(config.root, d.path);
    if (rel === undefined) return true;
    return !perFile.some((p) => p.codes.has(d.code) && p.matcher.ignores(rel));
  });
}

/** What a suppression comment can name: the rules on code; only those that ran can leave one unused. */
function suppressionLookup(settings: RunSettings): RuleLookup {
  const ran = new Set(settings.rules.filter(checksCode).map((r) => r.code));
  return {
    codeOf: ruleCodeLookup(settings.suppressible),
    codes: settings.suppressible.map((r) => r.code),
    ran: (code) => ran.has(code),
  };
}

/** The selected rules' checks of the suppressions that silenced nothing. */
function checkSuppressions(unused: readonly UnusedSuppression[], settings: RunSettings): RuleFindings {
  const findings: Diagnostic[] = [];
  const notices: Notice[] = [];
  for (const rule of settings.rules) {
    if (!rule.checkSuppressions) continue;
    try {
      rule.checkSuppressions(unused, { options: ruleOptions(rule, settings.config), report: reporter(rule, undefined, findings) });
    } catch (error) {
      notices.push(ruleFailure(rule, settings.root, error));
    }
  }
  return { findings, notices };
}

function relativeInside(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
