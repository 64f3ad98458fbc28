/**
 * What the engine hands to reporters: findings (diagnostics) and notices about files that could
 * not be analysed fully. Positions are 1-based; columns count UTF-16 code units (the unit of
 * JavaScript strings, of LSP and of SARIF's default `columnKind`). End positions are exclusive.
 */

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** error > warning > info */
export function severityRank(severity: Severity): number {
  return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A text edit: replace `range` (in the diagnostic's file) by `text`. */
export interface TextEdit {
  range: SourceRange;
  text: string;
}

export interface Fix {
  description: string;
  /** "safe" fixes are applied by `--fix`; others only with `--unsafe-fixes`. */
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

/** A location that explains a finding: an import chain link, a call chain frame. */
export interface RelatedLocation {
  path: string;
  range: SourceRange;
  message: string;
}

export interface Diagnostic {
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  /** Absolute path inside the engine; reporters make it relative. */
  path: string;
  range: SourceRange;
  fix?: Fix;
  related?: RelatedLocation[];
}

export type NoticeKind =
  | 'unreadable'
  | 'binary'
  | 'not-utf8'
  | 'syntax-error'
  | 'rule-error'
  | 'internal-error'
  | 'too-large'
  | 'skipped';

/** Something the user should know about a file that did not stop the run. */
export interface Notice {
  kind: NoticeKind;
  path: string;
  message: string;
  line?: number;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.range.line - b.range.line ||
    a.range.column - b.range.column ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
