/**
 * Stage 5, rules: each selected rule's code checks, on the target modules and on the project. A
 * rule that throws costs a notice, never the run.
 */

import type { Diagnostic, Notice } from '../../core/diagnostics.js';
import type { ModuleFacts } from '../../read/python/facts.js';
import type { Project } from '../../model/project.js';
import { checksCode, type AnyRule, type Finding, type RuleContext } from '../../rules/rule.js';
import type { Config } from '../config.js';
import type { RunSettings } from '../settings.js';
import type { Timer } from '../timing.js';

export interface RuleFindings {
  /** Findings as diagnostics, with the rules' own severities (the configured ones come later). */
  readonly findings: Diagnostic[];
  /** Rules that failed. */
  readonly notices: Notice[];
}

export function runRules(settings: RunSettings, project: Project, targetModules: readonly ModuleFacts[], timer: Timer): RuleFindings {
  const findings: Diagnostic[] = [];
  const notices: Notice[] = [];
  for (const rule of settings.rules.filter(checksCode)) {
    const started = performance.now();
    const options = ruleOptions(rule, settings.config);
    if (rule.checkModule) {
      for (const module of targetModules) {
        try {
          rule.checkModule(module, ruleContext(rule, { project, options, inputs: settings.inputs }, module.path, findings));
        } catch (error) {
          notices.push(ruleFailure(rule, module.path, error));
        }
      }
    }
    if (rule.checkProject) {
      try {
        rule.checkProject(ruleContext(rule, { project, options, inputs: settings.inputs }, undefined, findings));
      } catch (error) {
        notices.push(ruleFailure(rule, settings.root, error));
      }
    }
    timer.since(`rule ${rule.code}`, started);
  }
  return { findings, notices };
}

/** A rule's options: its defaults, then the configured ones. */
export function ruleOptions(rule: AnyRule, config: Config): Record<string, unknown> {
  return { ...(rule.options?.defaults ?? {}), ...(config.ruleOptions[rule.code] ?? {}) };
}

/** What a code check sees; its findings go to `out`, on `defaultPath` unless they name a file. */
function ruleContext(rule: AnyRule, given: Omit<RuleContext<unknown>, 'report'>, defaultPath: string | undefined, out: Diagnostic[]): RuleContext<unknown> {
  return { ...given, report: reporter(rule, defaultPath, out) };
}

/** A rule's `report`: the finding, as a diagnostic of the rule, added to `out`. */
export function reporter(rule: AnyRule, defaultPath: string | undefined, out: Diagnostic[]): (finding: Finding) => void {
  return (finding) => {
    const p = finding.path ?? defaultPath;
    if (!p) throw new Error(`${rule.code}: a project-level finding needs a path`);
    out.push(toDiagnostic(rule, finding, p));
  };
}

function toDiagnostic(rule: AnyRule, finding: Finding, p: string): Diagnostic {
  const d: Diagnostic = {
    code: rule.code,
    rule: rule.name,
    severity: finding.severity ?? rule.severity,
    message: finding.message,
    path: p,
    range: finding.range,
  };
  if (finding.fix) d.fix = finding.fix;
  if (finding.related && finding.related.length > 0) d.related = finding.related;
  if (finding.contexts && finding.contexts.length > 0) d.contexts = [...finding.contexts];
  return d;
}

export function ruleFailure(rule: AnyRule, file: string, error: unknown): Notice {
  const e = error as Error;
  const where = e?.stack?.split('\n')[1]?.trim() ?? '';
  return {
    kind: 'rule-error',
    path: file,
    message: `internal error in rule ${rule.code} (${rule.name}): ${e?.message ?? String(error)}${where ? ` [${where}]` : ''}; other rules and files were still checked — please report this`,
  };
}
