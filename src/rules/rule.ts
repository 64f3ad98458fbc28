/**
 * The contract between the engine and a rule. A rule is one object in one file: its identity and
 * documentation (core/rule-docs.ts), its options schema, and checks that read facts and report
 * findings. A rule never parses,
 * never reads files and never prints; the engine never mentions a rule by name.
 */

import type { ExecutionContext, Fix, RelatedLocation, Severity, SourceRange } from '../core/diagnostics.js';
import type { RuleMetadata } from '../core/rule-docs.js';
import type { ImportTimes } from '../read/importtime.js';
import type { ModuleFacts } from '../read/python/facts.js';
import type { Project } from '../model/project.js';

export interface Finding {
  /** Defaults to the module being checked. */
  path?: string;
  range: SourceRange;
  message: string;
  /** Defaults to the rule's (or the user's configured) severity. */
  severity?: Severity;
  fix?: Fix;
  related?: RelatedLocation[];
  /**
   * Where the code runs, from the model (`contextOf(project, module, scope)`), the context that
   * describes it first. The run drops the finding unless one of them is among the contexts the rule
   * reports (its `contexts` metadata, or the user's `contexts` option).
   */
  contexts?: readonly ExecutionContext[];
}

/**
 * What the user hands a run besides the files, for the rules that use it. Set once when the run
 * starts and the same for every rule; part of the cache key.
 */
export interface RunInputs {
  /** `--importtime FILE`: import times measured with `python -X importtime`, by module name. */
  readonly importTimes?: ImportTimes;
}

export interface RuleContext<O> {
  readonly project: Project;
  readonly options: O;
  readonly inputs: RunInputs;
  report(finding: Finding): void;
}

/**
 * A suppression comment that silenced nothing, once every finding of the code checks has been
 * filtered: the targets no finding needed (`*` for a comment without targets), and those that name
 * no rule.
 */
export interface UnusedSuppression {
  path: string;
  range: SourceRange;
  unused: string[];
  unknown: string[];
}

/** The context of `checkSuppressions`: it runs after the project's analysis, so without the project. */
export interface SuppressionContext<O> {
  readonly options: O;
  /** A finding here needs its `path`; suppression comments do not apply to it. */
  report(finding: Finding): void;
}

export interface Rule<O = Record<string, unknown>> extends RuleMetadata<O> {
  /** Per-module check: sees one module (and the project for cross-file names). */
  checkModule?(module: ModuleFacts, context: RuleContext<O>): void;
  /** Whole-project check: import graph, deployment files, handlers. */
  checkProject?(context: RuleContext<O>): void;
  /**
   * Check of the suppression comments in the checked files, after they were applied to the
   * findings of `checkModule` and `checkProject`: sees those that silenced nothing. Only the
   * targets of rules that ran are called unused.
   */
  checkSuppressions?(unused: readonly UnusedSuppression[], context: SuppressionContext<O>): void;
}

/**
 * The rules a suppression comment can name: those whose findings it silences (the code checks).
 * Findings on the suppressions themselves come after them and are never silenced.
 */
export function checksCode(rule: AnyRule): boolean {
  return rule.checkModule !== undefined || rule.checkProject !== undefined;
}

// Rules are stored with their own option types; the registry only needs the common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;
