/**
 * The contract between the engine and a rule. A rule is one object in one file: its identity and
 * documentation (core/rule-docs.ts), its options schema, and a check that reads facts and reports
 * findings. A rule never parses,
 * never reads files and never prints; the engine never mentions a rule by name.
 */

import type { Fix, RelatedLocation, Severity, SourceRange } from '../core/diagnostics.js';
import type { RuleMetadata } from '../core/rule-docs.js';
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
}

export interface RuleContext<O> {
  readonly project: Project;
  readonly options: O;
  report(finding: Finding): void;
}

export interface Rule<O = Record<string, unknown>> extends RuleMetadata<O> {
  /** Per-module check: sees one module (and the project for cross-file names). */
  checkModule?(module: ModuleFacts, context: RuleContext<O>): void;
  /** Whole-project check: import graph, deployment files, handlers. */
  checkProject?(context: RuleContext<O>): void;
}

// Rules are stored with their own option types; the registry only needs the common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;
