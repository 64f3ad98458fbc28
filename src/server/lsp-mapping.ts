/**
 * From the engine's findings to what an LSP client shows: diagnostics (severity, rule code, a link
 * to the rule's documentation, the call chain as related information), code actions (the rule's
 * fix, a suppression comment, the rule's documentation) and hovers.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { NOTICE_KINDS, type Diagnostic, type Notice, type Severity, type SourceRange } from '../core/diagnostics.js';
import { ruleMarkdown } from '../core/rule-docs.js';
import type { AnyRule } from '../rules/rule.js';
import { TOOL } from '../tool-info.js';

export const SOURCE = 'pylint-perf';
/** The command a code action runs to show a rule's documentation. */
export const EXPLAIN_COMMAND = 'pylint-perf.explainRule';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Engine ranges are 1-based with exclusive ends, in UTF-16 code units: LSP's unit, 0-based. */
export function lspRange(r: SourceRange): Range {
  return { start: { line: r.line - 1, character: r.column - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } };
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

export function lspDiagnostic(d: Diagnostic, rules: ReadonlyMap<string, AnyRule>): LspDiagnostic {
  const rule = rules.get(d.code);
  const href = rule ? TOOL.ruleHelpUri?.(rule) : undefined;
  return {
    range: lspRange(d.range),
    severity: SEVERITY[d.severity],
    source: SOURCE,
    code: d.code,
    ...(href ? { codeDescription: { href } } : {}),
    message: d.message,
    ...(d.related && d.related.length > 0
      ? { relatedInformation: d.related.map((r) => ({ location: { uri: fileUri(r.path), range: lspRange(r.range) }, message: r.message })) }
      : {}),
    data: { rule: d.rule, fixable: d.fix !== undefined },
  };
}

/**
 * What the run had to say about a file (a syntax error, undecodable bytes, a rule that failed):
 * shown on the file as the editor would show a compiler's message, at the notice's line.
 */
export function noticeDiagnostic(n: Notice): LspDiagnostic {
  const line = Math.max(0, (n.line ?? 1) - 1);
  const { title, level } = NOTICE_KINDS[n.kind];
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, severity: SEVERITY[level], source: SOURCE, code: title, message: n.message };
}

/** The engine findings that an LSP diagnostic of a code action request stands for (same code, same start). */
export function findingsFor(lsp: readonly LspDiagnostic[], findings: readonly Diagnostic[]): Diagnostic[] {
  return findings.filter((d) =>
    lsp.some((l) => l.source === SOURCE && l.code === d.code && l.range.start.line === d.range.line - 1 && l.range.start.character === d.range.column - 1),
  );
}

/** Files whose findings can be silenced by a `#` comment line above them. */
function commentable(file: string): boolean {
  return !/\.(json|ipynb)$/i.test(file);
}

/**
 * For one finding: its fix (when the rule offers one), a `# pylint-perf: disable-next=CODE`
 * comment above its line, and the rule's documentation.
 */
export function codeActions(uri: string, d: Diagnostic, lines: readonly string[], rules: ReadonlyMap<string, AnyRule>, lsp?: LspDiagnostic): CodeAction[] {
  const actions: CodeAction[] = [];
  const diagnostics = lsp ? [lsp] : undefined;
  if (d.fix) {
    const edits: LspTextEdit[] = d.fix.edits.map((e) => ({ range: lspRange(e.range), newText: e.text }));
    actions.push({
      title: `${d.fix.description}${d.fix.applicability === 'unsafe' ? ' (unsafe fix: review it)' : ''} (${d.code})`,
      kind: CodeActionKind.QuickFix,
      diagnostics,
      isPreferred: d.fix.applicability === 'safe',
      edit: { changes: { [uri]: edits } },
    });
  }
  if (commentable(d.path)) {
    const line = lines[d.range.line - 1] ?? '';
    const indent = /^[ \t]*/.exec(line)![0];
    actions.push({
      title: `Disable ${d.code} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics,
      edit: { changes: { [uri]: [{ range: { start: { line: d.range.line - 1, character: 0 }, end: { line: d.range.line - 1, character: 0 } }, newText: `${indent}# pylint-perf: disable-next=${d.code}\n` }] } },
    });
  }
  const rule = rules.get(d.code);
  if (rule) actions.push({ title: `Explain ${d.code} (${d.rule})`, kind: CodeActionKind.Empty, diagnostics, command: { title: `Explain ${d.code}`, command: EXPLAIN_COMMAND, arguments: [d.code] } });
  return actions;
}

/** The rule's documentation, for a hover over one of its findings. */
export function ruleHover(d: Diagnostic, rules: ReadonlyMap<string, AnyRule>): string | undefined {
  const rule = rules.get(d.code);
  if (!rule) return undefined;
  const href = TOOL.ruleHelpUri?.(rule);
  return `${ruleMarkdown(rule)}${href ? `\n\n[${d.code} documentation](${href})` : ''}`;
}

/** Whether a 0-based LSP position falls inside an engine range. */
export function contains(r: SourceRange, line: number, character: number): boolean {
  const l = line + 1;
  const c = character + 1;
  if (l < r.line || l > r.endLine) return false;
  if (l === r.line && c < r.column) return false;
  if (l === r.endLine && c > r.endColumn) return false;
  return true;
}

/** A displayable name of a file below the workspace root. */
export function shortPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
