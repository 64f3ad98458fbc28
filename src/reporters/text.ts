/**
 * Human output: `path:line:col: CODE [name] message`, an optional code frame, notices, and a
 * summary line. Colours only when the caller says the stream is a TTY and NO_COLOR is unset.
 */

import pc from 'picocolors';
import type { Severity } from '../core/diagnostics.js';
import type { Report } from './report.js';
import { displayPath } from '../core/paths.js';

export interface TextOptions {
  color: boolean;
  showSource: boolean;
  /** Findings only: no notices, no summary line. */
  quiet?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `Fixed 2 problems in 1 file.` */
export function fixedSentence(fixed: NonNullable<Report['fixed']>): string {
  return `Fixed ${plural(fixed.findings, 'problem')} in ${plural(fixed.files, 'file')}.`;
}

/** `3 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).`, or undefined when nothing is. */
function fixableSentence(fixable: Report['fixable']): string | undefined {
  if (!fixable || fixable.safe + fixable.unsafe === 0) return undefined;
  if (fixable.safe === 0) return `${fixable.unsafe} fixable with \`--fix --unsafe-fixes\`.`;
  const more = fixable.unsafe > 0 ? ` (${fixable.unsafe} more with \`--fix --unsafe-fixes\`)` : '';
  return `${fixable.safe} fixable with \`--fix\`${more}.`;
}

export function formatText(report: Report, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const severityColor: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.cyan };
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const where = `${displayPath(d.path, report.cwd)}:${d.range.line}:${d.range.column}:`;
    out.push(`${c.bold(where)} ${severityColor[d.severity](c.bold(d.code))} ${c.dim(`[${d.rule}]`)} ${d.message}`);
    if (options.showSource && report.sourceLines) {
      const text = report.sourceLines(d.path)?.[d.range.line - 1];
      if (text !== undefined) {
        const gutter = String(d.range.line);
        const width = d.range.endLine === d.range.line ? Math.max(1, d.range.endColumn - d.range.column) : Math.max(1, text.length - d.range.column + 1);
        out.push(`${c.dim(`${gutter} |`)} ${text}`);
        out.push(`${' '.repeat(gutter.length)} ${c.dim('|')} ${' '.repeat(d.range.column - 1)}${severityColor[d.severity]('^'.repeat(width))}`);
      }
    }
    if (d.related) {
      for (const r of d.related) out.push(`    ${c.dim(`${displayPath(r.path, report.cwd)}:${r.range.line}:${r.range.column}: ${r.message}`)}`);
    }
  }
  if (options.quiet) return out.length > 0 ? `${out.join('\n')}\n` : '';
  if (report.notices.length > 0) {
    if (out.length > 0) out.push('');
    for (const n of report.notices) {
      const where = `${displayPath(n.path, report.cwd)}${n.line ? `:${n.line}` : ''}:`;
      out.push(`${c.bold(where)} ${c.magenta('notice')} ${c.dim(`[${n.kind}]`)} ${n.message}`);
    }
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of report.diagnostics) counts[d.severity]++;
  const files = `${plural(report.filesChecked, 'file')} checked`;
  const extra: string[] = [];
  if (report.suppressedCount > 0) extra.push(`${report.suppressedCount} suppressed`);
  if (report.bulk && report.bulk.suppressed > 0) extra.push(`${report.bulk.suppressed} suppressed by ${displayPath(report.bulk.file, report.cwd)}`);
  if (report.notices.length > 0) extra.push(plural(report.notices.length, 'notice'));
  const tail = extra.length > 0 ? `; ${extra.join(', ')}` : '';
  if (out.length > 0) out.push('');
  if (report.fixed) out.push(fixedSentence(report.fixed));
  if (report.bulk?.wrote) out.push(bulkSentence(report.bulk.file, report.bulk.wrote, report.cwd));
  if (report.noFilesUnder && report.diagnostics.length === 0) {
    out.push(`No Python or deployment files found under ${report.noFilesUnder.map((p) => `'${p}'`).join(', ')}${tail}.`);
  } else if (report.diagnostics.length === 0) {
    out.push(`${c.green('All checks passed')}: ${files}${tail}.`);
  } else {
    const parts = (['error', 'warning', 'info'] as const)
      .filter((s) => counts[s] > 0)
      .map((s) => severityColor[s](s === 'info' ? `${counts[s]} info` : plural(counts[s], s)));
    out.push(`Found ${plural(report.diagnostics.length, 'problem')} (${parts.join(', ')}) in ${files}${tail}.`);
    const fixable = fixableSentence(report.fixable);
    if (fixable) out.push(fixable);
  }
  return `${out.join('\n')}\n`;
}

/** What `--suppress-all`, `--suppress-rule` or `--prune-suppressions` wrote. */
function bulkSentence(file: string, wrote: { recorded: number; pruned: number }, cwd: string): string {
  const parts: string[] = [];
  if (wrote.recorded > 0) parts.push(`recorded ${plural(wrote.recorded, 'finding')}`);
  if (wrote.pruned > 0) parts.push(`pruned ${plural(wrote.pruned, 'suppression')} matching no finding any more`);
  const what = parts.length > 0 ? parts.join(', ') : 'nothing to record or prune';
  return `${displayPath(file, cwd)}: ${what}.`;
}

/** What `--add-noqa` did. */
export function noqaSentence(outcome: { added: number; files: number; left: number }): string {
  const left = outcome.left > 0 ? ` ${plural(outcome.left, 'finding')} left as they are (deployment files, lines continued with a backslash or ending inside a string): --suppress-all records those.` : '';
  return `Added ${plural(outcome.added, 'noqa comment')} to ${plural(outcome.files, 'file')}.${left}\n`;
}

/** What `--diff` showed. */
export function diffSentence(findings: number, files: number): string {
  return findings === 0 ? 'No fixes to apply.\n' : `Would fix ${plural(findings, 'finding')} in ${plural(files, 'file')} (nothing written).\n`;
}
