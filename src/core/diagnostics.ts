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
  /** Another place with the same cause (one more call site), not a step of the chain: kept out of SARIF code flows. */
  also?: true;
}

/**
 * Where the code of a finding runs (see model/contexts.ts): a loop shared by a server's requests,
 * start-up or shut-down hooks, an importable package's async API, a one-shot script, tests,
 * examples, or AWS Lambda (one event per execution environment).
 */
export type ExecutionContext = 'server' | 'startup' | 'library' | 'script' | 'test' | 'example' | 'lambda' | 'unused';

/** Every execution context, the most consequential first (a function in several is described by the first). */
export const EXECUTION_CONTEXTS: readonly ExecutionContext[] = ['server', 'startup', 'library', 'lambda', 'script', 'test', 'example', 'unused'];

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
  /**
   * The execution contexts of the code the finding is in, the one that describes it first (set by
   * rules that know where their code runs; the run keeps a finding when one of them is selected).
   */
  contexts?: ExecutionContext[];
}

export type NoticeKind =
  | 'unreadable'
  | 'binary'
  | 'not-utf8'
  | 'syntax-error'
  | 'unparsable'
  | 'too-complex'
  | 'rule-error'
  | 'internal-error'
  | 'too-large'
  | 'skipped'
  | 'outside-project';

/**
 * What each notice kind means, and how serious it is: `error` when analysis itself failed (a bug
 * in pylint-perf), `warning` when a file was analysed only in part or not at all although it
 * looked like a source file, `info` when a file was skipped on purpose.
 */
export const NOTICE_KINDS: Readonly<Record<NoticeKind, { title: string; level: Severity; description: string; help: string }>> = {
  unreadable: {
    title: 'UnreadableFile',
    level: 'warning',
    description: 'A file could not be read (permissions, removed during the run, I/O error); it was not analysed.',
    help: "Check the file's permissions, or exclude it (`extend-exclude`) if it is not part of the project.",
  },
  binary: {
    title: 'BinaryFile',
    level: 'info',
    description: 'A file looked binary (it contains NUL bytes); it was not analysed.',
    help: 'Nothing to do if the file is data; exclude it (`extend-exclude`) to silence the notice.',
  },
  'not-utf8': {
    title: 'InvalidEncoding',
    level: 'warning',
    description: 'A file is not valid in its declared encoding; undecodable bytes were replaced before analysis.',
    help: 'Save the file as UTF-8, or declare its encoding with a PEP 263 `# -*- coding: ... -*-` line.',
  },
  'syntax-error': {
    title: 'SyntaxError',
    level: 'warning',
    description: 'A file has a syntax error; it was analysed as far as the parser could recover.',
    help: 'Fix the syntax error; findings after it may be missing.',
  },
  'too-complex': {
    title: 'NestingTooDeep',
    level: 'warning',
    description: 'A file nests code deeper than the analyser descends (hundreds of brackets, calls or blocks); the deeper part was not analysed.',
    help: 'Usually generated code: exclude it (`extend-exclude`). CPython itself rejects such nesting.',
  },
  unparsable: {
    title: 'UnreadableDeploymentFile',
    level: 'warning',
    description: 'A deployment file (YAML, TOML, nginx, Dockerfile) is malformed; it was read only in part or not at all.',
    help: 'Fix the file (the message says where); findings that depend on it may be missing.',
  },
  'rule-error': {
    title: 'RuleFailure',
    level: 'error',
    description: 'A rule failed on a file (a bug in pylint-perf); other rules and files were still checked.',
    help: 'Please report it with the file (or a reduced copy) that triggers it; the other findings are still valid.',
  },
  'internal-error': {
    title: 'EngineFailure',
    level: 'error',
    description: 'The engine failed on a file (a bug in pylint-perf); the file was skipped and the run went on.',
    help: 'Please report it with the file (or a reduced copy) that triggers it.',
  },
  'too-large': {
    title: 'FileTooLarge',
    level: 'info',
    description: 'A file is larger than the size limit; it was not analysed.',
    help: 'Exclude generated or vendored files (`extend-exclude`).',
  },
  skipped: {
    title: 'SpecialFile',
    level: 'info',
    description: 'A path is not a regular file (a FIFO, socket or device); it was not read.',
    help: 'Nothing to do; exclude the path (`extend-exclude`) to silence the notice.',
  },
  'outside-project': {
    title: 'LinkOutsideProject',
    level: 'warning',
    description: 'A symbolic link in the project points outside it; its target was not read, so that a link added to the repository cannot put files of the machine running the check into the report.',
    help: 'Remove the link, or check its target as a project of its own (`pylint-perf check TARGET`).',
  },
};

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
