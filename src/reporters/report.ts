import type { Diagnostic, Notice } from '../engine/diagnostics.js';
import type { AnyRule } from '../engine/rule.js';

/** Everything a reporter may print: decided by the engine, only formatted by reporters. */
export interface Report {
  diagnostics: readonly Diagnostic[];
  notices: readonly Notice[];
  filesChecked: number;
  suppressedCount: number;
  rules: readonly AnyRule[];
  cwd: string;
  toolVersion: string;
  /** Source text by absolute path, for code frames (optional). */
  sourceLine?: (path: string, line: number) => string | undefined;
}
