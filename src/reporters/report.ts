import type { Diagnostic, Notice, Severity } from '../core/diagnostics.js';
import type { RuleMetadata } from '../core/rule-docs.js';
import type { Provenance } from '../core/vcs.js';

/** Who produced the report, for formats that say so (SARIF `tool.driver`). */
export interface ToolInfo {
  name: string;
  version: string;
  /** The project's home page. */
  informationUri?: string;
  /** A stable URL of a rule's documentation page (pinned to this version), when there is one. */
  ruleHelpUri?: (rule: RuleMetadata) => string | undefined;
}

/** Everything a reporter may print: decided by the engine, only formatted by reporters. */
export interface Report {
  diagnostics: readonly Diagnostic[];
  notices: readonly Notice[];
  filesChecked: number;
  suppressedCount: number;
  /** The bulk suppressions file: how many findings it covered, and what this run recorded or pruned. */
  bulk?: { file: string; suppressed: number; wrote?: { recorded: number; pruned: number } };
  /** The rules that ran. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rules: readonly RuleMetadata<any>[];
  /** Severities the configuration changed, by rule code. */
  configuredSeverity?: Readonly<Record<string, Severity>>;
  /** True when the run fails (exit 1). */
  failed?: boolean;
  /** What `--fix` applied (counted by the CLI), when it applied anything. */
  fixed?: { findings: number; files: number };
  /** Findings with a fix: safe ones (`--fix`), and those only `--unsafe-fixes` applies. */
  fixable?: { safe: number; unsafe: number };
  /** Set when no Python or deployment file was found: the paths that were searched, as given. */
  noFilesUnder?: readonly string[];
  /** Where relative paths in human output start. */
  cwd: string;
  /** The root that machine formats make paths relative to (the repository's work tree). */
  srcRoot?: string;
  tool: ToolInfo;
  /** The repository and commit analysed, when known. */
  provenance?: Provenance;
  /** A file's lines without terminators (code frames, fingerprints); undefined if unreadable. */
  sourceLines?: (path: string) => readonly string[] | undefined;
}
